using System.Net;
using System.Net.Sockets;
using System.Text;
using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Tests.Cluster.Transport;

public sealed class HandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClientWithTheWrongSecret_IsRefused_AndTheHandlerNeverRuns()
    {
        var handler = TestHandler.Echo();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = SiloConnectionPoolTests.Pool(o => o.SharedSecret = "not the secret");

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => pool.SendRequestAsync(server.Address, "hi"u8.ToArray(), Timeout));

        Assert.Contains("handshake failed", error.Message);
        Assert.Contains("its proof does not match the shared secret", await server.Log.WaitForAsync(100));
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task ClientOfAnotherCluster_IsRefused()
    {
        var handler = TestHandler.Echo();
        await using var server = await TestSiloServer.StartAsync(handler);
        await using var pool = SiloConnectionPoolTests.Pool(o => o.ClusterId = "another-cluster");

        await Assert.ThrowsAsync<SiloUnavailableException>(() => pool.SendRequestAsync(server.Address, "hi"u8.ToArray(), Timeout));

        Assert.Contains("its cluster id 'another-cluster' is not 'transport-tests'", await server.Log.WaitForAsync(100));
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task StrangerSendingGarbage_IsDisconnected_AndTheHandlerNeverRuns()
    {
        var handler = TestHandler.Echo();
        await using var server = await TestSiloServer.StartAsync(handler);
        using var stranger = new TcpClient();
        await stranger.ConnectAsync(IPAddress.Loopback, server.Address.Port);
        var stream = stranger.GetStream();
        var greeting = new byte[37];
        await stream.ReadExactlyAsync(greeting);
        var garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        garbage[0] = 40; // a plausible cluster id length, so the server reads on and checks the proof
        garbage[1] = 0;

        await stream.WriteAsync(garbage);

        Assert.Empty(await ReadUntilClosedAsync(stream));
        Assert.Equal("GRNY", Encoding.ASCII.GetString(greeting, 0, 4));
        var logged = await server.Log.WaitForAsync(100);
        Assert.Contains("127.0.0.1", logged);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task FrameSentBeforeTheHandshake_IsNeverHandled()
    {
        var handler = TestHandler.Echo();
        await using var server = await TestSiloServer.StartAsync(handler, o => o.ConnectTimeout = TimeSpan.FromSeconds(1));
        using var stranger = new TcpClient();
        await stranger.ConnectAsync(IPAddress.Loopback, server.Address.Port);
        var stream = stranger.GetStream();
        var frame = new byte[FrameCodec.HeaderBytes + 5];
        FrameCodec.Write(frame, FrameKind.Request, 1, "hello"u8);

        await stream.WriteAsync(frame);

        var received = await ReadUntilClosedAsync(stream);
        Assert.Equal(37, received.Length); // the greeting, then nothing
        Assert.Contains("no handshake within", await server.Log.WaitForAsync(100));
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public async Task ServerThatCannotProveTheSecret_IsRefusedByTheClient()
    {
        using var impostor = new TcpListener(IPAddress.Loopback, 0);
        impostor.Start();
        var serving = Task.Run(async () =>
        {
            using var socket = await impostor.AcceptSocketAsync();
            using var stream = new NetworkStream(socket);
            var greeting = new byte[37];
            "GRNY"u8.CopyTo(greeting);
            greeting[4] = 1;
            await stream.WriteAsync(greeting);
            var hello = new byte[2 + TestSiloServer.ClusterId.Length + 64];
            await stream.ReadExactlyAsync(hello);
            await stream.WriteAsync(new byte[32]); // not an HMAC of anything
            await ReadUntilClosedAsync(stream);
        });
        await using var pool = SiloConnectionPoolTests.Pool();

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() =>
            pool.SendRequestAsync(new SiloAddress("127.0.0.1", ((IPEndPoint)impostor.LocalEndpoint).Port, 1), "secret data"u8.ToArray(), Timeout));

        Assert.Contains("the server's proof does not match the shared secret", error.Message);
        await serving;
    }

    [Fact]
    public void MissingSharedSecret_FailsAtConstruction_NamingTheSetting()
    {
        var options = new SiloTransportOptions { SharedSecret = "" };

        var client = Assert.Throws<InvalidOperationException>(() => new SiloConnectionPool(options, TimeProvider.System, NullLoggerFactory.Instance));
        var server = Assert.Throws<InvalidOperationException>(() => new SiloConnectionHandler(TestHandler.Echo(), options, NullLogger.Instance, TimeProvider.System));

        Assert.Contains("Granary:Cluster:SharedSecret", client.Message);
        Assert.Contains("Granary:Cluster:SharedSecret", server.Message);
    }

    /// <summary>Everything the peer sends until it closes the connection (fails after 10 s).</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var received = new MemoryStream();
        var buffer = new byte[1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The peer did not close the connection within 10 s ({received.Length} bytes received).");
        }
        return received.ToArray();
    }
}
