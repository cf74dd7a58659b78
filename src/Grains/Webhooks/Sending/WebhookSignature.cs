using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Granary.Grains.Webhooks.Sending;

/// <summary>
/// Standard Webhooks signatures. A secret is "whsec_" + base64 of the key bytes; the signed content is
/// "{webhook-id}.{webhook-timestamp}.{body}" in UTF-8; a signature is "v1," + base64(HMAC-SHA256(key, content)), and
/// the header carries one per secret, space separated, so that a receiver still holding the previous secret during a
/// rotation keeps verifying.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The prefix of every secret.</summary>
    public const string SecretPrefix = "whsec_";

    private const string Version = "v1,";
    private const int KeyBytes = 24;
    private const int MacBytes = 32;

    /// <summary>A fresh secret: <see cref="KeyBytes"/> random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The key bytes of <paramref name="secret"/>; throws <see cref="FormatException"/> when it isn't "whsec_" + base64.</summary>
    public static byte[] DecodeSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length == SecretPrefix.Length)
        {
            throw new FormatException("A webhook secret must be \"whsec_\" followed by the base64 of its key bytes.");
        }
        try
        {
            return Convert.FromBase64String(secret[SecretPrefix.Length..]);
        }
        catch (FormatException)
        {
            throw new FormatException("A webhook secret must be \"whsec_\" followed by the base64 of its key bytes; its key is not valid base64.");
        }
    }

    /// <summary>The <c>webhook-signature</c> header value: one "v1,…" per secret, in the given order, space separated.</summary>
    public static string Sign(IReadOnlyList<string> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var header = new StringBuilder(secrets.Count * 48);
        var stamp = timestamp.ToString(CultureInfo.InvariantCulture);
        Span<byte> mac = stackalloc byte[MacBytes];
        for (var i = 0; i < secrets.Count; i++)
        {
            if (i > 0)
            {
                header.Append(' ');
            }
            Mac(DecodeSecret(secrets[i]), messageId, stamp, body, mac);
            header.Append(Version).Append(Convert.ToBase64String(mac));
        }
        return header.ToString();
    }

    /// <summary>
    /// Whether <paramref name="headerValue"/> holds a "v1," signature of the content made with <paramref name="secret"/>
    /// (for receivers and tests). Every candidate is compared in constant time. The timestamp is taken as the header
    /// carried it; how old it may be is the receiver's rule.
    /// </summary>
    public static bool Verify(string secret, string messageId, string timestamp, string body, string? headerValue)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrEmpty(headerValue))
        {
            return false;
        }
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(DecodeSecret(secret), messageId, timestamp, bodyBytes, expected);
        Span<byte> given = stackalloc byte[MacBytes];
        var matched = false;
        foreach (var candidate in headerValue.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate.StartsWith(Version, StringComparison.Ordinal)
                && Convert.TryFromBase64String(candidate[Version.Length..], given, out var written)
                && written == MacBytes)
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, given);
            }
        }
        return matched;
    }

    private static void Mac(byte[] key, string messageId, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(timestamp);
        // "{id}.{timestamp}." is short; the body is appended without being copied next to it.
        var prefixLength = Encoding.UTF8.GetByteCount(messageId) + Encoding.UTF8.GetByteCount(timestamp) + 2;
        var rented = ArrayPool<byte>.Shared.Rent(prefixLength);
        try
        {
            var written = Encoding.UTF8.GetBytes(messageId, rented);
            rented[written++] = (byte)'.';
            written += Encoding.UTF8.GetBytes(timestamp, rented.AsSpan(written));
            rented[written++] = (byte)'.';
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            hmac.AppendData(rented, 0, written);
            hmac.AppendData(body);
            hmac.GetHashAndReset(destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
