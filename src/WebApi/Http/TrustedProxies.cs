using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Granary.WebApi.Http;

/// <summary>
/// Which peers may say who the client is: ASP.NET Core's forwarded-headers middleware takes <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> only from a peer listed in <see cref="HttpOptions.TrustedProxies"/> (addresses or CIDR
/// networks; loopback when none is set, as ASP.NET Core does), one hop deep. Behind such a proxy the connection's
/// remote address — what rate limits and login throttling key on — is the real client's; a header from any other
/// peer is ignored, so a client can't choose the address it is counted under.
/// </summary>
internal static class TrustedProxies
{
    public const string Key = "Granary:Http:TrustedProxies";

    /// <summary>Fills <paramref name="options"/> from the configured entries; throws naming the first entry that is neither an address nor a network.</summary>
    public static void Apply(ForwardedHeadersOptions options, IReadOnlyList<string> entries)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        if (entries.Count == 0)
        {
            return;
        }
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i].Trim();
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                throw new InvalidOperationException(
                    $"{Key}:{i} is '{entries[i]}' but must be an IP address (10.0.0.5) or a CIDR network (10.0.0.0/8).");
            }
        }
    }
}
