using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Granary.Testing.Webhooks;

/// <summary>
/// The receiving side of Standard Webhooks, computed here independently of the product's signer: some
/// "v1,{base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")}" among the space-separated signatures, the key being the
/// base64 after "whsec_", a non-empty id, and a timestamp within five minutes of now.
/// </summary>
internal static class StandardWebhookSignature
{
    /// <summary>Reads a delivery's body and webhook headers and checks its signature against <paramref name="secret"/>.</summary>
    public static async Task<SignedDelivery> ReadAsync(HttpRequest request, string? secret, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var id = request.Headers["webhook-id"].ToString();
        var timestamp = request.Headers["webhook-timestamp"].ToString();
        return new SignedDelivery(id, timestamp, body, Verify(secret, id, timestamp, body, request.Headers["webhook-signature"].ToString()));
    }

    public static bool Verify(string? secret, string id, string timestamp, string body, string signatures)
    {
        if (secret is null || !secret.StartsWith("whsec_", StringComparison.Ordinal) || id.Length == 0
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s =>
            s.StartsWith("v1,", StringComparison.Ordinal) && CryptographicOperations.FixedTimeEquals(expected, Decode(s[3..])));
    }

    private static byte[] Decode(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : [];
    }
}

/// <summary>A webhook delivery as a receiver got it, and whether its signature held.</summary>
internal sealed record SignedDelivery(string WebhookId, string Timestamp, string Body, bool SignatureValid);
