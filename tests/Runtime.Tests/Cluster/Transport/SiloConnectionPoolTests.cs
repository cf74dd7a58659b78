using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Placement;
using Granary.Runtime.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Tests.Cluster.Transport;

public sealed class SiloConnectionPoolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    internal static SiloConnectionPool Pool(Action<SiloTransportOptions>? configure = null, TimeProvider? time = null) =>
        new(TestSiloServer.Options(configure), time ?? TimeProvider.System, NullLoggerFactory.Instance);

    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private static string Text(byte[] value) => Encoding.UTF8.GetString(value);

    [Fact]
    public async Task SendRequest_CompletesWithTheHandlersResponse()
    {
        var handler = TestHandler.UpperCase();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = Pool();

        var response = await pool.SendRequestAsync(server.Address, Text("hello silo"), Timeout);

        Assert.Equal("HELLO SILO", Text(response));
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task TenThousandConcurrentRequests_OnOneConnection_EachGetTheirOwnResponse()
    {
        var handler = new TestHandler(async (payload, _) =>
        {
            var text = Encoding.UTF8.GetString(payload.Span);
            await Task.Yield(); // complete out of order
            return Text(text.ToUpperInvariant());
        });
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = Pool();

        var sends = new Task<byte[]>[10_000];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = pool.SendRequestAsync(server.Address, Text($"request-{i}"), Timeout);
        }
        var responses = await Task.WhenAll(sends);

        for (var i = 0; i < responses.Length; i++)
        {
            Assert.Equal($"REQUEST-{i}", Text(responses[i]));
        }
        Assert.Equal(10_000, handler.Calls);
        Assert.Single(server.Log.Entries, e => e.EventId == 101);
    }

    // Past Kestrel's 1 MB input buffer limit too: a large frame must not wait for the whole of it to fit in the pipe.
    [Theory]
    [InlineData(1024 * 1024)]
    [InlineData(5 * 1024 * 1024)]
    public async Task LargePayload_RoundTrips(int size)
    {
        await using var server = await TestSiloServer.StartAsync(TestHandler.Echo());
        await using var pool = Pool();
        var payload = new byte[size];
        new Random(42).NextBytes(payload);

        var response = await pool.SendRequestAsync(server.Address, payload, TimeSpan.FromSeconds(10));

        Assert.Equal(payload, response);
    }

    [Fact]
    public async Task Ping_ReturnsTheRoundTripTime_WithoutReachingTheHandler()
    {
        var handler = TestHandler.Echo();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = Pool();

        var roundTrip = await pool.PingAsync(server.Address, Timeout);

        Assert.InRange(roundTrip, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5));
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task UnansweredRequest_FailsWithGrainCallTimeout_AtItsDeadline()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        var time = new ManualTimeProvider();
        await using var pool = Pool(o => o.DeadlineCheckInterval = TimeSpan.FromMilliseconds(250), time);

        var send = pool.SendRequestAsync(server.Address, Text("never answered"), TimeSpan.FromSeconds(2));
        await handler.NextArrivalAsync();
        time.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.False(send.IsCompleted, "the request failed before its deadline");
        time.Advance(TimeSpan.FromMilliseconds(350));

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => send);
        Assert.Contains(server.Address.ToString(), error.Message);
    }

    [Fact]
    public async Task PendingRequests_FailAtOnce_WhenTheServerDies()
    {
        var handler = new GatedHandler();
        var server = await TestSiloServer.StartAsync(handler);
        await using var pool = Pool();
        var sends = Enumerable.Range(0, 3).Select(i => pool.SendRequestAsync(server.Address, Text($"r{i}"), Timeout)).ToArray();
        for (var i = 0; i < sends.Length; i++)
        {
            await handler.NextArrivalAsync();
        }

        var clock = Stopwatch.StartNew();
        await server.DisposeAsync();

        foreach (var send in sends)
        {
            await Assert.ThrowsAsync<SiloUnavailableException>(() => send);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"pending requests failed after {clock.Elapsed}, not promptly");
    }

    [Fact]
    public async Task NextRequest_Reconnects_AfterTheServerRestartsOnTheSamePort()
    {
        var first = await TestSiloServer.StartAsync(TestHandler.UpperCase());
        var target = first.Address;
        await using var pool = Pool();
        Assert.Equal("BEFORE", Text(await pool.SendRequestAsync(target, Text("before"), Timeout)));
        await first.DisposeAsync();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => pool.SendRequestAsync(target, Text("while down"), Timeout));

        await using var second = await TestSiloServer.StartAsync(TestHandler.UpperCase(), port: target.Port);

        Assert.Equal("AFTER", Text(await pool.SendRequestAsync(target, Text("after"), Timeout)));
    }

    [Fact]
    public async Task OversizeFrame_ClosesTheConnection_AndTheNextRequestUsesANewOne()
    {
        var handler = TestHandler.Echo();
        await using var server = await TestSiloServer.StartAsync(handler, o => o.MaxFrameBytes = 64 * 1024);
        await using var pool = Pool(o => o.MaxFrameBytes = 1024 * 1024);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => pool.SendRequestAsync(server.Address, new byte[100_000], Timeout));

        Assert.Contains("100009 bytes", await server.Log.WaitForAsync(103));
        Assert.Equal(0, handler.Calls);
        Assert.Equal("small", Text(await pool.SendRequestAsync(server.Address, Text("small"), Timeout)));
    }

    [Fact]
    public async Task PayloadOverMaxFrameBytes_IsRefusedBeforeSending()
    {
        await using var pool = Pool(o => o.MaxFrameBytes = 64 * 1024);

        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = pool.SendRequestAsync(new SiloAddress("127.0.0.1", 1, 1), new byte[64 * 1024], Timeout); });
    }

    [Fact]
    public async Task Disconnect_FailsPendingRequests_AndTheNextSendReconnects()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = Pool();
        var pending = pool.SendRequestAsync(server.Address, Text("held"), Timeout);
        await handler.NextArrivalAsync();

        pool.Disconnect(server.Address);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => pending);
        var next = pool.SendRequestAsync(server.Address, Text("next"), Timeout);
        Assert.Equal("next", await handler.NextArrivalAsync());
        handler.Release();
        Assert.Equal("next", Text(await next));
    }

    [Fact]
    public async Task CancelledRequest_FailsWithOperationCanceled()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = Pool();
        using var cancellation = new CancellationTokenSource();
        var send = pool.SendRequestAsync(server.Address, Text("cancel me"), Timeout, cancellation.Token);
        await handler.NextArrivalAsync();

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }

    [Fact]
    public async Task Dispose_FailsPendingRequests_AndRefusesNewOnes()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        var pool = Pool();
        var pending = pool.SendRequestAsync(server.Address, Text("held"), Timeout);
        await handler.NextArrivalAsync();

        await pool.DisposeAsync();

        await Assert.ThrowsAsync<SiloUnavailableException>(() => pending);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.SendRequestAsync(server.Address, Text("late"), Timeout));
    }

    [Fact]
    public async Task NoServer_FailsWithSiloUnavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var pool = Pool();

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => pool.SendRequestAsync(new SiloAddress("127.0.0.1", port, 1), Text("anyone?"), Timeout));
        Assert.Contains("Cannot connect", error.Message);
    }

    [Fact]
    public async Task GracefulStop_AnswersTheRequestsAlreadyTaken()
    {
        var handler = new GatedHandler();
        var server = await TestSiloServer.StartAsync(handler);
        await using var pool = Pool();
        var taken = pool.SendRequestAsync(server.Address, Text("taken"), Timeout);
        await handler.NextArrivalAsync();

        var stopping = server.StopAsync();
        await server.Log.WaitForAsync(107);
        handler.Release();

        Assert.Equal("taken", Text(await taken));
        await stopping;
        await server.DisposeAsync();
    }
}
