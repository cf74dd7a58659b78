using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Granary.Hosting;

/// <summary>The address a clustered silo advertises when none is configured.</summary>
internal static class AdvertisedAddress
{
    public static IPAddress? FirstNonLoopbackIPv4()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up)
            {
                continue;
            }
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                {
                    return unicast.Address;
                }
            }
        }
        return null;
    }

    public static IPAddress Resolve(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? FirstNonLoopbackIPv4() ?? throw new InvalidOperationException("Granary:Cluster:AdvertisedAddress is unset and no non-loopback IPv4 address exists.")
            : IPAddress.Parse(configured);
}
