using System.Net;
using System.Net.Sockets;

namespace Granary.Grains.Webhooks.Sending;

/// <summary>
/// Address ranges a webhook must not reach unless allowed: they lead into the silo's own host, its network or the
/// cloud's metadata service (SSRF). Specific ranges come before the ranges that contain them, so that
/// 169.254.169.254 is named a metadata address rather than a link-local one.
/// </summary>
internal static class ReservedAddressRanges
{
    private static readonly (IPNetwork Range, string Kind)[] Ranges =
    [
        (IPNetwork.Parse("169.254.169.254/32"), "a cloud metadata address"),
        (IPNetwork.Parse("fd00:ec2::254/128"), "a cloud metadata address"),
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified (\"this network\") address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("fc00::/7"), "a private (unique local) address"),
        (IPNetwork.Parse("fec0::/10"), "a private (site local) address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
        (IPNetwork.Parse("255.255.255.255/32"), "the broadcast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved address"),
    ];

    // NAT64 (RFC 6052) reaches the IPv4 address in its last 32 bits, so it is judged as that address.
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>The address as it will be reached: IPv4-mapped and NAT64 IPv6 addresses become their IPv4 address.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (Nat64.Contains(address))
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            return new IPAddress(bytes[12..]);
        }
        return address;
    }

    /// <summary>What kind of reserved address <paramref name="address"/> (already normalized) is; null for an ordinary public one.</summary>
    public static string? Kind(IPAddress address)
    {
        foreach (var (range, kind) in Ranges)
        {
            if (range.Contains(address))
            {
                return kind;
            }
        }
        return null;
    }
}
