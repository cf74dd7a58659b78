using System.Text.Json;

namespace Granary.Silo.Tests;

public sealed class SiloHostTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EmbeddedDefault_AnswersLiveAndReady_AndStopsCleanlyOnSigterm()
    {
        await using var silo = Start(new Dictionary<string, string>());

        await silo.WaitForOkAsync("/health/live", StartTimeout);
        using var body = JsonDocument.Parse(await silo.WaitForOkAsync("/health/ready", StartTimeout));

        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        var providers = Providers(body);
        Assert.Contains(("storage", "sqlite", true), providers);
        Assert.Contains(("reminders", "sqlite", true), providers);
        Assert.Contains(("silo", "runtime", true), providers);
        Assert.True(File.Exists(Path.Combine(silo.WorkingDirectory, "data", "granary.db")), "the embedded default keeps its SQLite file under ./data");

        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(40)));
        var logLines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(logLines, line => JsonDocument.Parse(line).Dispose());
        Assert.Contains(logLines, line => line.Contains("\"Category\":\"Granary.Runtime\"", StringComparison.Ordinal) && line.Contains("stopped in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfiguredForPostgresAndRedis_ReportsThoseProvidersReady()
    {
        var postgres = Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=55432;Username=granary;Password=granary;Database=granary_test";
        var redis = Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") ?? "127.0.0.1:56379";
        await using var silo = Start(new Dictionary<string, string>
        {
            ["Granary__Storage__Provider"] = "Postgres",
            ["Granary__Storage__Postgres__ConnectionString"] = postgres,
            ["Granary__Reminders__Provider"] = "Redis",
            ["Granary__Reminders__Redis__Configuration"] = redis,
            ["Granary__Reminders__Redis__KeyPrefix"] = $"silo-test-{Guid.NewGuid():N}",
        });

        using var body = JsonDocument.Parse(await silo.WaitForOkAsync("/health/ready", StartTimeout));

        var providers = Providers(body);
        Assert.Contains(("storage", "postgres", true), providers);
        Assert.Contains(("reminders", "redis", true), providers);
        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(40)));
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
        Assert.Contains("Granary:Storage:Provider is 'cassandra'; use Sqlite, Postgres or Memory.", silo.Output);
    }

    /// <summary>The built silo as a process; Production refuses to start without a token signing key, so each gets one.</summary>
    private static SiloProcess Start(Dictionary<string, string> settings)
    {
        settings.TryAdd("Granary__Auth__SigningKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        return SiloProcess.Start("silo", settings);
    }

    private static List<(string Component, string Kind, bool Healthy)> Providers(JsonDocument body) =>
        body.RootElement.GetProperty("providers").EnumerateArray()
            .Select(p => (p.GetProperty("component").GetString()!, p.GetProperty("kind").GetString()!, p.GetProperty("healthy").GetBoolean()))
            .ToList();
}
