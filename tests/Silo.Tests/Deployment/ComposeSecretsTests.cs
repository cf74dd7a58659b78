using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Granary.Silo.Tests.Deployment;

/// <summary>
/// scripts/compose-secrets.sh makes every secret file docker-compose.yml mounts, consistent with each other and with
/// the compose file, readable by the containers' non-root users and by no other user of the host.
/// </summary>
public sealed class ComposeSecretsTests(ComposeProject compose) : IClassFixture<ComposeProject>
{
    [Fact]
    public void CreatesEveryFileTheComposeFileMounts()
    {
        var secrets = compose.Normalised().Mapping("secrets");

        Assert.NotEmpty(secrets.Children);
        Assert.All(secrets.Children, secret =>
        {
            var file = secret.Value.Scalar("file");
            Assert.True(File.Exists(file), $"secret {secret.Key} names {file}, which the script did not create");
        });
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Files_AreReadableByTheContainers_InAFolderOnlyTheOwnerEnters()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(compose.SecretsDirectory));
        Assert.All(Directory.GetFiles(compose.SecretsDirectory), file => Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file)));
    }

    [Fact]
    public void TheSiloConnectionString_ReachesThePostgresServiceAsItsRole_WithItsPassword_WithinItsConnectionLimit()
    {
        var config = compose.Normalised();
        var connection = new NpgsqlConnectionStringBuilder(Secret("postgres_connection"));
        var maxConnections = config.Scalars("services/postgres/command").Single(a => a.StartsWith("max_connections=", StringComparison.Ordinal));

        Assert.Equal("postgres", connection.Host);
        Assert.Equal(config.Scalar("services/postgres/environment/POSTGRES_USER"), connection.Username);
        Assert.Equal(config.Scalar("services/postgres/environment/POSTGRES_DB"), connection.Database);
        Assert.Equal(Secret("postgres_password"), connection.Password);
        Assert.True(connection.Password!.Length >= 32, "a password of at least 32 characters");
        // Three silos (the documented --scale) with a full pool each, and room for one more during a rolling restart.
        Assert.True(4 * connection.MaxPoolSize <= int.Parse(maxConnections["max_connections=".Length..], System.Globalization.CultureInfo.InvariantCulture),
            $"4 silos x Maximum Pool Size {connection.MaxPoolSize} must fit PostgreSQL's {maxConnections}");
    }

    [Fact]
    public void TheSigningKey_Is32RandomBytes_AndTheDashboardHasAPassword_AndSmtpNone()
    {
        Assert.Equal(32, Convert.FromBase64String(Secret("signing_key")).Length);
        Assert.True(Secret("dashboard_password").Length >= 20, "a dashboard password of at least 20 characters");
        Assert.Equal("", Secret("smtp_password"));
    }

    [Fact]
    public void RunAgain_KeepsEveryFile_AndRemakesAMissingConnectionStringFromTheKeptPassword()
    {
        var folder = Path.Combine(compose.Directory, "rerun");
        Assert.Equal(0, Script(folder).ExitCode);
        var before = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        File.Delete(Path.Combine(folder, "postgres_connection"));

        var again = Script(folder);

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(before, Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText));
        Assert.Contains($"created {folder}/postgres_connection", again.Error);
        Assert.Contains($"kept {folder}/signing_key", again.Error);
    }

    [Fact]
    public async Task TheFiles_MountedAsTheComposeFileSays_ConfigureTheSilo()
    {
        var config = compose.Normalised();
        var runSecrets = Path.Combine(compose.Directory, "run-secrets");
        Directory.CreateDirectory(runSecrets);
        foreach (var mount in ((YamlSequenceNode)config.Find("services/silo/secrets")!).Children)
        {
            File.Copy(config.Scalar($"secrets/{mount.Scalar("source")}/file"), Path.Combine(runSecrets, mount.Scalar("target")));
        }
        var user = config.Scalar("services/silo/environment/Granary__Dashboard__Username");

        // The embedded default (the connection string goes unused): a Production silo starts only with the signing key.
        await using var silo = SiloProcess.Start("compose-secrets", new Dictionary<string, string>
        {
            ["GRANARY_SECRETS_DIR"] = runSecrets,
            ["Granary__Dashboard__Username"] = user,
        });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var http = silo.CreateClient();
        using var right = new HttpRequestMessage(HttpMethod.Get, "/dashboard/version");
        right.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Secret("dashboard_password")}")));

        using var answer = await http.SendAsync(right);
        using var anonymous = await http.GetAsync("/dashboard/version");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private CommandResult Script(string folder) => compose.Run("bash", ComposeProject.RepositoryFile("scripts/compose-secrets.sh"), "--dir", folder);

    private string Secret(string name) => File.ReadAllText(Path.Combine(compose.SecretsDirectory, name));
}
