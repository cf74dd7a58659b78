using System.Net;
using System.Net.Sockets;

namespace Granary.Testing.Processes;

/// <summary>
/// Free loopback TCP ports for servers a test starts (silo ports must be advertised, so port 0 won't do), taken below
/// the kernel's ephemeral range (32768 and up on Linux): a port from that range can be handed to some outgoing
/// connection (PostgreSQL, Redis, HTTP clients of parallel tests) between the check and the server's bind, which
/// then fails with "address already in use".
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20_000;
    private const int BelowEphemeral = 32_000;

    /// <summary>One free port.</summary>
    public static int Free() => FreeBlock(1);

    /// <summary>The first of <paramref name="size"/> consecutive free ports.</summary>
    public static int FreeBlock(int size)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var start = Random.Shared.Next(Lowest, BelowEphemeral - size);
            if (Enumerable.Range(start, size).All(IsFree))
            {
                return start;
            }
        }
        throw new InvalidOperationException($"No {size} free loopback port(s) between {Lowest} and {BelowEphemeral} after 500 tries.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
