using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Granary.Silo.Tests.Deployment;

/// <summary>
/// docker-compose.yml, read as <c>docker-compose config</c> normalises it: valid with the example settings and the
/// generated secrets, every service health-checked and limited, the silos hardened, secrets as files only.
/// </summary>
public sealed partial class ComposeFileTests(ComposeProject compose) : IClassFixture<ComposeProject>
{
    /// <summary>The settings the silo reads from /run/secrets, one file each, named by the key (see SecretsTests).</summary>
    private static readonly string[] SiloSecretTargets =
    [
        "Granary__Auth__SigningKey",
        "Granary__Storage__Postgres__ConnectionString",
        "Granary__Dashboard__Password",
        "Granary__Email__Password",
    ];

    [Fact]
    public void DockerComposeConfig_WithTheExampleSettingsAndTheGeneratedSecrets_ExitsZero()
    {
        Assert.True(compose.SecretsScript.ExitCode == 0, $"scripts/compose-secrets.sh failed:\n{compose.SecretsScript.Output}");
        Assert.True(compose.Config.ExitCode == 0, $"docker-compose config exited with {compose.Config.ExitCode}:\n{compose.Config.Output}");
        Assert.Equal(["grafana", "mailpit", "postgres", "prometheus", "proxy", "redis", "silo"], Services().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WithoutTheDashboardUserName_DockerComposeConfig_Fails_NamingTheVariable()
    {
        var empty = Path.Combine(compose.Directory, "empty.env");
        File.WriteAllText(empty, "");

        var result = compose.Run("docker-compose", "--env-file", empty, "config", "-q");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("set GRANARY_DASHBOARD_USERNAME in .env (see .env.example)", result.Output);
    }

    [Fact]
    public void EveryService_HasAHealthCheck_CpuAndMemoryLimits_AndNoNewPrivileges()
    {
        var config = compose.Normalised();
        Assert.All(Services(), name =>
        {
            var service = config.Mapping($"services/{name}");
            var test = service.Scalars("healthcheck/test");
            Assert.True(test.Count > 1 && test[0] is "CMD" or "CMD-SHELL", $"{name} has no health check command: [{string.Join(", ", test)}]");
            Assert.True(double.Parse(service.Scalar("deploy/resources/limits/cpus"), System.Globalization.CultureInfo.InvariantCulture) > 0, $"{name}: cpus limit");
            Assert.Matches("^[0-9]+[MG]$", service.Scalar("deploy/resources/limits/memory"));
            Assert.Contains("no-new-privileges:true", service.Scalars("security_opt"));
            Assert.Equal("unless-stopped", service.Scalar("restart"));
        });
    }

    [Fact]
    public void Silo_RunsReadOnly_WithoutCapabilities_AndStopsWithinItsShutdownBudget()
    {
        var silo = compose.Normalised().Mapping("services/silo");

        Assert.Equal("true", silo.Scalar("read_only"));
        Assert.Contains(silo.Scalars("tmpfs"), t => t == "/tmp" || t.StartsWith("/tmp:", StringComparison.Ordinal));
        Assert.Equal(["ALL"], silo.Scalars("cap_drop"));
        Assert.Empty(silo.Scalars("cap_add"));
        Assert.Contains("no-new-privileges:true", silo.Scalars("security_opt"));
        Assert.Equal(["CMD", "dotnet", "/app/Granary.Silo.dll", "healthcheck"], silo.Scalars("healthcheck/test"));
        // Granary:ShutdownTimeout (30 s) + the host's 5 s: a shorter grace period SIGKILLs a silo that is leaving.
        Assert.True(Seconds(silo.Scalar("stop_grace_period")) >= 35, $"stop_grace_period {silo.Scalar("stop_grace_period")}");
    }

    [Fact]
    public void Silo_StartsOnceRedisAndPostgresAreHealthy_AndNeverWaitsForMailpit()
    {
        var silo = compose.Normalised().Mapping("services/silo");

        Assert.Equal(["postgres", "redis"], silo.Keys("depends_on").Order(StringComparer.Ordinal));
        Assert.Equal("service_healthy", silo.Scalar("depends_on/redis/condition"));
        Assert.Equal("service_healthy", silo.Scalar("depends_on/postgres/condition"));
    }

    [Fact]
    public void Mailpit_StartsOnlyUnderTheDevProfile_PrometheusAndGrafanaUnderMonitoring()
    {
        var config = compose.Normalised();
        string[] optional = ["mailpit", "prometheus", "grafana"];

        Assert.Equal(["dev"], config.Scalars("services/mailpit/profiles"));
        Assert.Equal(["monitoring"], config.Scalars("services/prometheus/profiles"));
        Assert.Equal(["monitoring"], config.Scalars("services/grafana/profiles"));
        Assert.All(Services().Where(s => !optional.Contains(s)), name => Assert.Empty(config.Scalars($"services/{name}/profiles")));
    }

    [Fact]
    public void Monitoring_ScrapesEverySiloOnItsManagementPort_FoundThroughTheNetworksDns()
    {
        var config = compose.Normalised();
        var port = config.Scalar("services/silo/environment/Granary__Metrics__Port");
        Assert.Contains(port, config.Scalars("services/silo/expose"));
        var prometheus = new YamlStream();
        prometheus.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "prometheus", "prometheus.yml"))));
        var discovery = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)prometheus.Documents[0].RootNode)["scrape_configs"])[0])["dns_sd_configs"])[0];
        Assert.Equal("silo", ((YamlScalarNode)((YamlSequenceNode)discovery["names"])[0]).Value);
        Assert.Equal(port, ((YamlScalarNode)discovery["port"]).Value);
        // Published on loopback only; nothing the cluster needs waits for them.
        Assert.All(new[] { "prometheus", "grafana" }, name => Assert.All(config.Scalars($"services/{name}/ports"), p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal)));
        Assert.Equal(["postgres", "redis"], config.Keys("services/silo/depends_on").Order(StringComparer.Ordinal));
        Assert.Equal("/run/secrets/grafana_admin_password", config.Scalar("services/grafana/environment/GF_SECURITY_ADMIN_PASSWORD__FILE"));
    }

    [Fact]
    public void Secrets_ReachTheSiloAsFilesNamedByItsSettings_NeverAsEnvironmentVariables()
    {
        var config = compose.Normalised();
        var silo = config.Mapping("services/silo");
        var mounted = ((YamlSequenceNode)silo.Find("secrets")!).Children.Select(s => s.Scalar("target")).Order(StringComparer.Ordinal);

        Assert.Equal(SiloSecretTargets.Order(StringComparer.Ordinal), mounted);
        Assert.DoesNotContain(silo.Keys("environment"), key => SecretLike().IsMatch(key));
        Assert.Equal("/run/secrets/postgres_password", config.Scalar("services/postgres/environment/POSTGRES_PASSWORD_FILE"));
        Assert.DoesNotContain(config.Keys("services/postgres/environment"), key => key == "POSTGRES_PASSWORD");
    }

    [Fact]
    public void EveryVariableTheComposeFileUses_IsDocumentedInEnvExample()
    {
        var composeText = File.ReadAllText(ComposeProject.RepositoryFile("docker-compose.yml"));
        var used = Variable().Matches(composeText).Select(m => m.Groups[1].Value).ToHashSet();
        var lines = File.ReadAllLines(ComposeProject.RepositoryFile(".env.example"));
        var documented = new HashSet<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (Assignment().Match(lines[i]) is { Success: true } assignment)
            {
                var name = assignment.Groups[1].Value;
                documented.Add(name);
                // Its comment is the line above, or above a group of assignments that share one.
                var above = i - 1;
                while (above >= 0 && Assignment().IsMatch(lines[above]))
                {
                    above--;
                }
                Assert.True(above >= 0 && lines[above].StartsWith('#'), $".env.example: {name} has no comment above it");
            }
        }

        Assert.NotEmpty(used);
        Assert.Empty(used.Except(documented));
        Assert.Empty(documented.Except(used));
    }

    private IReadOnlyList<string> Services() => compose.Normalised().Keys("services");

    private static double Seconds(string duration)
    {
        var match = Regex.Match(duration, "^([0-9]+)(m|s)$");
        Assert.True(match.Success, $"unexpected duration '{duration}'");
        var value = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[2].Value == "m" ? value * 60 : value;
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex Assignment();

    [GeneratedRegex("Password|SigningKey|ConnectionString|Secret", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLike();
}
