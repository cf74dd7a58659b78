using System.Net;
using System.Net.Sockets;

namespace Granary.Hosting.Tests;

/// <summary>A loopback TCP port free right now, for silo ports (Orleans must advertise the port it listens on, so 0 won't do).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
