using System.Security.Cryptography;
using Granary.Testing.Processes;

namespace Granary.Silo.Tests;

/// <summary>
/// Secrets reach a Production silo from configuration only — environment variables or secret files (one file per
/// setting, as Docker mounts them under /run/secrets; <c>GRANARY_SECRETS_DIR</c> names another folder) — and never
/// from a development key file that happens to lie around.
/// </summary>
public sealed class SecretsTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("granary-secrets-").FullName;

    [Fact]
    public async Task Production_WithALeftoverDevelopmentKeyFile_RefusesToStart_NamingTheSetting()
    {
        var leftover = Path.Combine(_folder, "dev-signing-key");
        await File.WriteAllTextAsync(leftover, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        await using var silo = SiloProcess.Start("secrets", new Dictionary<string, string> { ["Granary__Auth__DevelopmentKeyPath"] = leftover });

        Assert.NotEqual(0, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("Granary:Auth:SigningKey is not set", silo.Output);
    }

    [Fact]
    public async Task Production_TakesTheSigningKeyFromASecretFile()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "Granary__Auth__SigningKey"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");

        await using var silo = SiloProcess.Start("secrets", new Dictionary<string, string> { ["GRANARY_SECRETS_DIR"] = _folder });

        await silo.WaitForOkAsync("/health/ready", StartTimeout);
        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public async Task APreviousSigningKeyThatIsNotBase64_StopsStartUp_NamingIt()
    {
        await using var silo = SiloProcess.Start("secrets", new Dictionary<string, string>
        {
            ["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Granary__Auth__PreviousSigningKeys__0"] = "not base64!",
        });

        Assert.NotEqual(0, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("Granary:Auth:PreviousSigningKeys:0 is not base64", silo.Output);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
