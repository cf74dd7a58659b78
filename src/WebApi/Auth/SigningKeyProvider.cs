using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Granary.WebApi.Auth;

/// <summary>
/// The key that signs access tokens: from configuration (an environment variable or a secret file), or outside
/// Production a random key generated once and kept in a file under ./data (mode 600), so tokens survive restarts.
/// Production never reads that file: without a configured key the silo refuses to start (<see cref="SigningKeyCheck"/>).
/// </summary>
internal sealed class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AuthOptions> options, IHostEnvironment environment)
    {
        var auth = options.Value;
        byte[] key;
        if (!string.IsNullOrWhiteSpace(auth.SigningKey))
        {
            key = Decode(auth.SigningKey, "Granary:Auth:SigningKey");
        }
        else if (environment.IsProduction())
        {
            // Never a development key file, even one left over in ./data: Production's key comes from configuration.
            throw new InvalidOperationException(
                "Granary:Auth:SigningKey is not set. In Production the token signing key must come from configuration: an environment variable Granary__Auth__SigningKey or a secret file of that name (base64 of 32 random bytes, e.g. `openssl rand -base64 32`).");
        }
        else
        {
            key = LoadOrCreate(auth.DevelopmentKeyPath);
        }
        Key = SecurityKey(key, "Granary:Auth:SigningKey");
        PreviousKeys = [.. auth.PreviousSigningKeys.Select((previous, i) => SecurityKey(Decode(previous, $"Granary:Auth:PreviousSigningKeys:{i}"), $"Granary:Auth:PreviousSigningKeys:{i}"))];
    }

    /// <summary>Signs new tokens, and validates them.</summary>
    public SymmetricSecurityKey Key { get; }

    /// <summary>Only validates tokens signed before the last rotation.</summary>
    public IReadOnlyList<SymmetricSecurityKey> PreviousKeys { get; }

    private static SymmetricSecurityKey SecurityKey(byte[] key, string setting) => key.Length >= 32
        ? new SymmetricSecurityKey(key) { KeyId = Convert.ToHexString(SHA256.HashData(key))[..16] }
        : throw new InvalidOperationException($"{setting} must decode to at least 32 bytes (base64 of 32 random bytes).");

    private static byte[] Decode(string base64, string setting)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{setting} is not base64 (a key is base64 of 32 random bytes, e.g. `openssl rand -base64 32`).");
        }
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        var key = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return key;
    }
}
