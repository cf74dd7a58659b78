using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Granary.Grains.Webhooks.Sending;

/// <summary>
/// Which webhook targets may be contacted (SSRF). Loopback, private, link-local, carrier-grade NAT, metadata,
/// unspecified, multicast, broadcast and reserved addresses are refused unless <see cref="WebhookOptions.AllowedTargets"/>
/// names the address's range (CIDR) or the URL's host name (case-insensitive). The sender checks each address a host
/// resolves to at connect time, so a DNS answer that changes after the endpoint was created can't get around it.
/// </summary>
public sealed class TargetAddressPolicy : IWebhookAddressPolicy
{
    private readonly IPNetwork[] _allowedRanges;
    private readonly HashSet<string> _allowedHosts;

    /// <summary>Parses the allow-list; throws <see cref="ArgumentException"/> naming an entry that is neither a CIDR range nor a host name.</summary>
    public TargetAddressPolicy(IEnumerable<string> allowedTargets)
    {
        ArgumentNullException.ThrowIfNull(allowedTargets);
        var ranges = new List<IPNetwork>();
        _allowedHosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in allowedTargets)
        {
            var target = entry?.Trim() ?? "";
            if (target.Contains('/', StringComparison.Ordinal))
            {
                // A base address with bits set past the prefix ("10.0.0.1/8") is refused, not widened: it is likely a typo.
                if (!IPNetwork.TryParse(target, out var range) || !range.BaseAddress.Equals(IPAddress.Parse(target[..target.IndexOf('/', StringComparison.Ordinal)])))
                {
                    throw new ArgumentException($"Granary:Webhooks:AllowedTargets entry \"{entry}\" is not a CIDR range (e.g. \"10.1.0.0/16\"; no bits set after the prefix).");
                }
                ranges.Add(range);
            }
            else if (IPAddress.TryParse(target, out var address))
            {
                ranges.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else if (Uri.CheckHostName(target) == UriHostNameType.Dns)
            {
                _allowedHosts.Add(TrimRootDot(target));
            }
            else
            {
                throw new ArgumentException($"Granary:Webhooks:AllowedTargets entry \"{entry}\" is neither a CIDR range nor a host name.");
            }
        }
        _allowedRanges = [.. ranges];
    }

    /// <summary>Whether the allow-list names <paramref name="host"/> itself, which lets it reach whatever it resolves to.</summary>
    public bool IsHostAllowed(string host) => _allowedHosts.Count > 0 && _allowedHosts.Contains(TrimRootDot(host));

    /// <summary>Whether <paramref name="address"/> may be contacted; when not, <paramref name="reason"/> says why.</summary>
    public bool IsAllowed(IPAddress address, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(address);
        var reached = ReservedAddressRanges.Normalize(address);
        var kind = ReservedAddressRanges.Kind(reached);
        if (kind is null || InAllowedRange(address) || (!reached.Equals(address) && InAllowedRange(reached)))
        {
            reason = null;
            return true;
        }
        reason = $"{address} is {kind}; it is refused unless Webhooks:AllowedTargets allows it";
        return false;
    }

    /// <summary>
    /// Checks an endpoint URL before it is stored: absolute http or https, a host, no user name or password, and, when
    /// the host is an IP address or "localhost", an allowed address. Null when it may be used, else the reason.
    /// Host names are resolved only when sending (they may point elsewhere by then).
    /// </summary>
    public string? CheckUrl(string? url)
    {
        if (!TryParseUrl(url, out var uri, out var malformed))
        {
            return malformed;
        }
        var host = uri.IdnHost.Trim('[', ']');
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(host, out var address))
        {
            return IsAllowed(address, out var reason) ? null : $"The URL's host {reason}.";
        }
        if (IsLocalhostName(host) && !IsHostAllowed(host))
        {
            return $"The URL's host \"{host}\" is the local machine; it is refused unless Webhooks:AllowedTargets allows it.";
        }
        return null;
    }

    /// <summary>
    /// The form alone (absolute http or https, a host, no user name or password): true and the parsed URL when it
    /// holds, else false and the reason. Which addresses it reaches is judged when connecting.
    /// </summary>
    public static bool TryParseUrl(string? url, [NotNullWhen(true)] out Uri? uri, [NotNullWhen(false)] out string? reason)
    {
        uri = null;
        reason = Malformed(url, out var parsed);
        if (reason is not null)
        {
            return false;
        }
        uri = parsed!;
        return true;
    }

    private static string? Malformed(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return "The URL is empty.";
        }
        // On Unix "/hooks" parses as an absolute file: URI; a URL written without "scheme://" is not a web address.
        if (!url.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            return $"\"{url}\" is not an absolute http or https URL.";
        }
        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
        {
            return $"The URL's scheme is \"{parsed.Scheme}\"; only http and https are supported.";
        }
        if (parsed.UserInfo.Length > 0)
        {
            return "The URL must not carry a user name or password.";
        }
        if (parsed.IdnHost.Trim('[', ']').Length == 0)
        {
            return "The URL has no host.";
        }
        uri = parsed;
        return null;
    }

    private bool InAllowedRange(IPAddress address)
    {
        foreach (var range in _allowedRanges)
        {
            if (range.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsLocalhostName(string host)
    {
        var name = TrimRootDot(host);
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    private static string TrimRootDot(string host) => host.EndsWith('.') ? host[..^1] : host;
}
