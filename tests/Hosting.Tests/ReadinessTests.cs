using System.Text.Json;

namespace Granary.Hosting.Tests;

/// <summary>/health/ready follows the stores: 503 naming the component that stopped answering.</summary>
public sealed class ReadinessTests(ScratchDatabase database) : IClassFixture<ScratchDatabase>
{
    [Fact]
    public async Task Ready_WhenStorageDatabaseBecomesUnreachable_Answers503NamingStorage()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, new Dictionary<string, string?>(EmbeddedProfileTests.Ports())
        {
            ["Granary:SiloName"] = "ready-probe",
            ["Granary:Storage:Provider"] = "Postgres",
            ["Granary:Storage:Postgres:ConnectionString"] = database.ConnectionString,
        });
        var (before, _) = await silo.GetJsonAsync("/health/ready");

        await database.DropAsync();
        var (status, body) = await Poll.UntilAsync(() => silo.GetJsonAsync("/health/ready"), r => r.Status == 503,
            TimeSpan.FromSeconds(15), "/health/ready to answer 503 once the database is gone");

        Assert.Equal(200, before);
        Assert.Equal("not ready", body.GetProperty("status").GetString());
        Assert.Equal("ready-probe", body.GetProperty("silo").GetString());
        var providers = body.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("component").GetString()!);
        Assert.False(providers["storage"].GetProperty("healthy").GetBoolean());
        Assert.Equal("postgres", providers["storage"].GetProperty("kind").GetString());
        Assert.Contains(database.Name, providers["storage"].GetProperty("detail").GetString());
        Assert.True(providers["silo"].GetProperty("healthy").GetBoolean());
        Assert.True(providers["reminders"].GetProperty("healthy").GetBoolean());
    }
}
