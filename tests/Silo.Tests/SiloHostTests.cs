using Granary.Testing.Processes;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Granary.Silo.Tests;

public sealed class SiloHostTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EmbeddedDefault_AnswersLiveAndReady_AndStopsCleanlyOnSigterm()
    {
        await using var silo = Start(new Dictionary<string, string>());

        await silo.WaitForOkAsync("/health/live", StartTimeout);
        using var body = JsonDocument.Parse(await silo.WaitForOkAsync("/health/ready", StartTimeout, asOperator: Operator));

        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        var providers = Providers(body);
        Assert.Contains(("storage", "sqlite", true), providers);
        Assert.Contains(("reminders", "sqlite", true), providers);
        Assert.Contains(("silo", "orleans", true), providers);
        Assert.True(File.Exists(Path.Combine(silo.WorkingDirectory, "data", "granary.db")), "the embedded default keeps its SQLite file under ./data");

        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(40)));
        var logLines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(logLines, line => JsonDocument.Parse(line).Dispose());
        Assert.Contains(logLines, line => line.Contains("\"Category\":\"Orleans.Hosting.SiloHostedService\"", StringComparison.Ordinal) && line.Contains("Orleans Silo stopped.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfiguredForPostgresAndRedis_ReportsThoseProvidersReady()
    {
        var postgres = Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test";
        var redis = Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") ?? "127.0.0.1:56379";
        // Orleans keys reminders by service ("{ServiceId}/reminders"): a service of its own keeps this run's apart.
        var serviceId = $"silo-test-{Guid.NewGuid():N}";
        await using var silo = Start(new Dictionary<string, string>
        {
            ["Granary__Storage__Provider"] = "Postgres",
            ["Granary__Storage__Postgres__ConnectionString"] = postgres,
            ["Granary__Reminders__Provider"] = "Redis",
            ["Granary__Reminders__Redis__Configuration"] = redis,
            ["Granary__ServiceId"] = serviceId,
        });
        try
        {
            using var body = JsonDocument.Parse(await silo.WaitForOkAsync("/health/ready", StartTimeout, asOperator: Operator));

            var providers = Providers(body);
            Assert.Contains(("storage", "postgres", true), providers);
            Assert.Contains(("reminders", "redis", true), providers);
            Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(40)));
        }
        finally
        {
            using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis);
            await connection.GetDatabase().KeyDeleteAsync($"{serviceId}/reminders");
        }
    }

    [Fact]
    public async Task InvalidOption_StopsStartUp_WithAMessageNamingTheOption()
    {
        await using var silo = Start(new Dictionary<string, string>
        {
            ["Granary__ResponseTimeout"] = "-00:00:01",
        });

        var exitCode = await silo.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Granary:ResponseTimeout", silo.Output);
    }

    [Fact]
    public async Task UnknownStorageProvider_StopsStartUp_WithAMessageNamingTheChoices()
    {
        await using var silo = Start(new Dictionary<string, string>
        {
            ["Granary__Storage__Provider"] = "Cassandra",
        });

        var exitCode = await silo.WaitForExitAsync(StartTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Granary:Storage:Provider is 'Cassandra' but must be one of Sqlite, Postgres.", silo.Output);
    }

    [Fact]
    public async Task MigrateCommand_AppliesTheSchemaThenFindsItCurrent_AndExitsZero()
    {
        await using var first = SiloProcess.Start("migrate", new Dictionary<string, string>(), command: "migrate");
        Assert.Equal(0, await first.WaitForExitAsync(StartTimeout));
        var database = Path.Combine(first.WorkingDirectory, "data", "granary.db");
        Assert.Contains($"storage (sqlite {database}): schema version 0 -> ", first.Output);
        Assert.True(File.Exists(database), "migrate creates the embedded default's SQLite file");

        await using var second = SiloProcess.Start("migrate-again", new Dictionary<string, string>
        {
            ["Granary__Storage__Sqlite__Path"] = database,
        }, command: "migrate");
        Assert.Equal(0, await second.WaitForExitAsync(StartTimeout));
        Assert.Contains($"storage (sqlite {database}): schema version ", second.Output);
        Assert.Contains("(already current)", second.Output);
    }

    [Fact]
    public async Task MigrateCommand_OnPostgres_AppliesEveryMigrationToAFreshDatabase_ThenFindsItCurrent()
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test");
        var name = $"granary_migrate_{Guid.NewGuid():N}"[..32];
        await Admin(server, $"CREATE DATABASE {name}");
        try
        {
            var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
            var settings = new Dictionary<string, string>
            {
                ["Granary__Storage__Provider"] = "Postgres",
                ["Granary__Storage__Postgres__ConnectionString"] = database,
            };

            await using var first = SiloProcess.Start("migrate-postgres", settings, command: "migrate");
            Assert.Equal(0, await first.WaitForExitAsync(StartTimeout));
            await using var second = SiloProcess.Start("migrate-postgres-again", settings, command: "migrate");
            Assert.Equal(0, await second.WaitForExitAsync(StartTimeout));

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            var versions = new List<int>();
            await using (var history = new NpgsqlCommand("SELECT version FROM granary_schema_migrations ORDER BY version", connection))
            await using (var reader = await history.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    versions.Add(reader.GetInt32(0));
                }
            }
            Assert.Equal(Enumerable.Range(1, versions.Count), versions);
            Assert.Contains($"schema version 0 -> {versions.Count} (applied ", first.Output);
            Assert.Contains($"schema version {versions.Count} -> {versions.Count} (already current)", second.Output);
            await using var tables = new NpgsqlCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('granary_grain_storage', 'granary_order_list', 'granary_idempotency_records')", connection);
            Assert.Equal(2L, await tables.ExecuteScalarAsync());
        }
        finally
        {
            await Admin(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task Admin(NpgsqlConnectionStringBuilder server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task MigrateCommand_WithInvalidConfiguration_ExitsOne_NamingTheKey()
    {
        await using var migrate = SiloProcess.Start("migrate", new Dictionary<string, string>
        {
            ["Granary__Storage__Provider"] = "Postgres",
        }, command: "migrate");

        Assert.Equal(1, await migrate.WaitForExitAsync(StartTimeout));
        Assert.Contains("Granary:Storage:Postgres:ConnectionString is empty", migrate.Output);
    }

    [Fact]
    public async Task GrainAssemblies_LoadsGrainsFromAFile_ThatAClientThenCalls()
    {
        var gatewayPort = LoopbackPorts.Free();
        var serviceId = $"plugin-{Guid.NewGuid():N}";
        await using var silo = Start(new Dictionary<string, string>
        {
            ["Granary__GrainAssemblies__0"] = typeof(PluginEchoGrain).Assembly.Location,
            ["Granary__Cluster__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Granary__ServiceId"] = serviceId,
        });
        await silo.WaitReadyAsync(StartTimeout);
        var client = Host.CreateApplicationBuilder();
        client.UseOrleansClient(orleans => orleans.UseLocalhostClustering(gatewayPort, serviceId, "dev"));
        using var host = client.Build();
        await host.StartAsync();

        var answer = await host.Services.GetRequiredService<IClusterClient>().GetGrain<IPluginEchoGrain>("k1").Echo("hello");

        Assert.Equal("k1:hello", answer);
        await host.StopAsync();
    }

    [Fact]
    public async Task Readiness_TellsAnyoneOnlyReadyPerComponent_AndTheOperatorTheDetails()
    {
        await using var silo = Start(new Dictionary<string, string>());
        using var full = JsonDocument.Parse(await silo.WaitForOkAsync("/health/ready", StartTimeout, asOperator: Operator));

        var anonymous = await silo.WaitForOkAsync("/health/ready", StartTimeout);
        var wrongPassword = await silo.WaitForOkAsync("/health/ready", StartTimeout, asOperator: (Operator.User, "not-the-password"));

        foreach (var shortAnswer in new[] { anonymous, wrongPassword })
        {
            using var body = JsonDocument.Parse(shortAnswer);
            Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
            Assert.All(body.RootElement.GetProperty("providers").EnumerateArray(), p =>
                Assert.Equal(["component", "healthy"], p.EnumerateObject().Select(property => property.Name)));
            Assert.DoesNotContain(silo.WorkingDirectory, shortAnswer, StringComparison.Ordinal);
            Assert.DoesNotContain("sqlite", shortAnswer, StringComparison.Ordinal);
        }
        var storage = full.RootElement.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("component").GetString() == "storage");
        Assert.Equal("sqlite", storage.GetProperty("kind").GetString());
        Assert.Contains(silo.WorkingDirectory, storage.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The operator credential every silo here gets (the dashboard's, which also opens readiness details).</summary>
    private static readonly (string User, string Password) Operator = ("operator", "operator-password-for-tests");

    /// <summary>The built silo as a process; Production refuses to start without a token signing key, so each gets one, and the operator credential.</summary>
    private static SiloProcess Start(Dictionary<string, string> settings)
    {
        settings.TryAdd("Granary__Auth__SigningKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        settings.TryAdd("Granary__Dashboard__Username", Operator.User);
        settings.TryAdd("Granary__Dashboard__Password", Operator.Password);
        return SiloProcess.Start("silo", settings);
    }

    private static List<(string Component, string Kind, bool Healthy)> Providers(JsonDocument body) =>
        body.RootElement.GetProperty("providers").EnumerateArray()
            .Select(p => (p.GetProperty("component").GetString()!, p.GetProperty("kind").GetString()!, p.GetProperty("healthy").GetBoolean()))
            .ToList();
}
