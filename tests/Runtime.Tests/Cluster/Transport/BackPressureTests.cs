using System.Text;
using Granary.Runtime.Testing;

namespace Granary.Runtime.Tests.Cluster.Transport;

public sealed class BackPressureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Absence can only be observed over a window: long enough for a frame to cross loopback many times over.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Server_StopsTakingRequests_AtMaxInFlightPerConnection()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler, o => o.MaxInFlightPerConnection = 4);
        await using var pool = SiloConnectionPoolTests.Pool(o => o.MaxInFlightPerConnection = 100);
        var sends = Enumerable.Range(1, 5).Select(i => pool.SendRequestAsync(server.Address, Encoding.UTF8.GetBytes($"r{i}"), Timeout)).ToArray();
        for (var i = 0; i < 4; i++)
        {
            await handler.NextArrivalAsync();
        }

        await Task.Delay(Quiet);
        Assert.Equal(4, handler.Calls);
        handler.Release();

        Assert.Equal("r5", await handler.NextArrivalAsync());
        handler.Release(4);
        await Task.WhenAll(sends);
    }

    [Fact]
    public async Task Client_HoldsTheFifthRequest_UntilASlotFrees()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = SiloConnectionPoolTests.Pool(o => o.MaxInFlightPerConnection = 4);
        var sends = Enumerable.Range(1, 5).Select(i => pool.SendRequestAsync(server.Address, Encoding.UTF8.GetBytes($"r{i}"), Timeout)).ToArray();
        for (var i = 0; i < 4; i++)
        {
            await handler.NextArrivalAsync();
        }

        await Task.Delay(Quiet);
        Assert.Equal(4, handler.Calls);
        handler.Release();

        Assert.Equal("r5", await handler.NextArrivalAsync());
        handler.Release(4);
        var responses = await Task.WhenAll(sends);
        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], responses.Select(r => Encoding.UTF8.GetString(r)).Order());
    }

    [Fact]
    public async Task Ping_IsAnswered_WhileTheInFlightWindowIsFull()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = SiloConnectionPoolTests.Pool(o => o.MaxInFlightPerConnection = 2);
        var sends = Enumerable.Range(1, 3).Select(i => pool.SendRequestAsync(server.Address, Encoding.UTF8.GetBytes($"r{i}"), Timeout)).ToArray();
        await handler.NextArrivalAsync();
        await handler.NextArrivalAsync();

        var roundTrip = await pool.PingAsync(server.Address, TimeSpan.FromSeconds(5));

        Assert.True(roundTrip < TimeSpan.FromSeconds(5));
        Assert.False(sends[2].IsCompleted);
        handler.Release(3);
        await Task.WhenAll(sends);
    }

    [Fact]
    public async Task SenderWaitingForRoom_HonoursCancellation_AndIsNeverSent()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = SiloConnectionPoolTests.Pool(o => o.MaxInFlightPerConnection = 1);
        var first = pool.SendRequestAsync(server.Address, "first"u8.ToArray(), Timeout);
        await handler.NextArrivalAsync();
        using var cancellation = new CancellationTokenSource();
        var waiting = pool.SendRequestAsync(server.Address, "cancelled"u8.ToArray(), Timeout, cancellation.Token);
        var last = pool.SendRequestAsync(server.Address, "last"u8.ToArray(), Timeout);

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        handler.Release();

        Assert.Equal("last", await handler.NextArrivalAsync());
        handler.Release();
        await Task.WhenAll(first, last);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task SenderWaitingForRoom_FailsWithGrainCallTimeout_AtItsDeadline()
    {
        var handler = new GatedHandler();
        await using var server = await TestSiloServer.StartAsync(handler);
        var time = new ManualTimeProvider();
        await using var pool = SiloConnectionPoolTests.Pool(o => o.MaxInFlightPerConnection = 1, time);
        var first = pool.SendRequestAsync(server.Address, "first"u8.ToArray(), Timeout);
        await handler.NextArrivalAsync();
        var waiting = pool.SendRequestAsync(server.Address, "waiting"u8.ToArray(), TimeSpan.FromSeconds(1));

        time.Advance(TimeSpan.FromMilliseconds(1250));

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => waiting);
        Assert.False(first.IsCompleted);
        handler.Release();
        await first;
        Assert.Equal(1, handler.Calls);
    }
}
