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
            key = Convert.FromBase64String(auth.SigningKey);
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
        if (key.Length < 32)
        {
            throw new InvalidOperationException("Granary:Auth:SigningKey must decode to at least 32 bytes (base64 of 32 random bytes).");
        }
        Key = new SymmetricSecurityKey(key) { KeyId = Convert.ToHexString(SHA256.HashData(key))[..16] };
    }

    public SymmetricSecurityKey Key { get; }

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
