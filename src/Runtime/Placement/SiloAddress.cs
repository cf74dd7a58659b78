using System.Globalization;

namespace Granary.Runtime.Placement;

/// <summary>
/// Where a silo listens for other silos (host and silo port), plus its generation (its start time in unix
/// milliseconds), so a silo restarted at the same address is a new identity. String form <c>host:port@generation</c>.
/// </summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}@{Generation.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses the <c>host:port@generation</c> form.</summary>
    public static SiloAddress Parse(string value)
    {
        var at = value.LastIndexOf('@');
        var colon = at > 0 ? value.LastIndexOf(':', at - 1) : -1;
        if (colon <= 0
            || !int.TryParse(value.AsSpan(colon + 1, at - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !long.TryParse(value.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            throw new FormatException($"'{value}' is not a silo address: expected host:port@generation.");
        }
        return new SiloAddress(value[..colon], port, generation);
    }
}
