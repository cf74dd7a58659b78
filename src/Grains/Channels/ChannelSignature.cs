using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Granary.Grains.Channels;

/// <summary>
/// Inbound payload signatures: <c>X-Granary-Signature: v1=&lt;hex HMAC-SHA256("{timestamp}.{raw body}")&gt;</c>
/// keyed with the UTF-8 bytes of the channel secret, and <c>X-Granary-Timestamp</c> in unix seconds. The timestamp is
/// signed and must be within <see cref="Tolerance"/> of now (either way), so a captured request can't be replayed
/// later. Several space- or comma-separated <c>v1=</c> values are accepted; any match passes.
/// </summary>
public static class ChannelSignature
{
    public const string TimestampHeader = "X-Granary-Timestamp";
    public const string SignatureHeader = "X-Granary-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private const string Version = "v1=";

    /// <summary>The header value a sender puts in <see cref="SignatureHeader"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        Version + Convert.ToHexStringLower(Mac(secret, timestamp, body));

    public static SignatureCheck Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.Missing;
        }
        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.Malformed;
        }
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Tolerance.TotalSeconds)
        {
            return SignatureCheck.Stale;
        }
        var expected = Mac(secret, seconds, body);
        var matched = false;
        foreach (var candidate in signature.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate.StartsWith(Version, StringComparison.Ordinal) && candidate.Length == Version.Length + 64 && TryHex(candidate.AsSpan(Version.Length), out var given))
            {
                // Every candidate is compared, in constant time, so timing says nothing about which one was close.
                matched |= CryptographicOperations.FixedTimeEquals(expected, given);
            }
        }
        return matched ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    private static byte[] Mac(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryHex(ReadOnlySpan<char> hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}

/// <summary>The outcome of <see cref="ChannelSignature.Verify"/>; only <see cref="Valid"/> lets a payload in.</summary>
public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Stale,
    Mismatch,
}
