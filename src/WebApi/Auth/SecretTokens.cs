using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Granary.WebApi.Auth;

/// <summary>
/// Secrets handed to clients (refresh tokens, API keys): 32 random bytes, base64url. Only their SHA-256 hashes are
/// stored, so a leaked database doesn't leak usable secrets.
/// </summary>
internal static class SecretTokens
{
    /// <summary>What every API key starts with, so the bearer scheme can tell keys from access tokens.</summary>
    public const string ApiKeyPrefix = "gk_";

    public static string NewSecret() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lower-case hex SHA-256 of <paramref name="secret"/>.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string NewApiKey() => ApiKeyPrefix + NewSecret();

    /// <summary>A refresh token names its family ("{familyId}.{secret}"), so the family grain is found without an index.</summary>
    public static string NewRefreshToken(string familyId) => familyId + "." + NewSecret();

    /// <summary>The family id of a well-formed refresh token, or null.</summary>
    public static string? RefreshTokenFamily(string? token)
    {
        var dot = token?.IndexOf('.') ?? -1;
        return dot == 32 && Guid.TryParseExact(token![..dot], "N", out _) && token.Length > 33 ? token[..dot] : null;
    }
}
