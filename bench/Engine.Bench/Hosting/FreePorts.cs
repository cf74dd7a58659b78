using System.Net;
using System.Net.Sockets;

namespace Granary.Engine.Bench.Hosting;

/// <summary>
/// Loopback ports free right now. Orleans needs a real silo port (0 is refused) and other developers run silos on
/// this machine in parallel, so the bench never uses the default 11111/30000.
/// </summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
