using Granary.Testing.Processes;
using System.Text.Json;

namespace Granary.Hosting.Tests;

/// <summary>The embedded default: one silo, grain state and reminders in one SQLite file under the content root.</summary>
public sealed class EmbeddedProfileTests
{
    [Fact]
    public async Task Start_WithoutConfiguration_ServesReadyWithSqliteUnderContentRoot()
    {
        using var root = new TempFolder();
        // Only the ports: the defaults 11111/30000 may be taken by a cluster running on this machine.
        await using var silo = await SiloHost.StartAsync(root.Path, Ports());

        var (status, body) = await silo.GetJsonAsync("/health/ready");

        var database = Path.Combine(root.Path, "data", "granary.db");
        Assert.Equal(200, status);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal(Environment.MachineName, body.GetProperty("silo").GetString());
        var providers = body.GetProperty("providers").EnumerateArray().ToList();
        Assert.Equal(["silo", "storage", "reminders"], providers.Select(p => p.GetProperty("component").GetString()));
        Assert.Equal(["orleans", "sqlite", "sqlite"], providers.Select(p => p.GetProperty("kind").GetString()));
        Assert.All(providers, p => Assert.True(p.GetProperty("healthy").GetBoolean(), p.ToString()));
        Assert.StartsWith("Active as ", providers[0].GetProperty("detail").GetString());
        Assert.Equal(database, providers[1].GetProperty("detail").GetString());
        Assert.Equal(database, providers[2].GetProperty("detail").GetString());
        Assert.True(File.Exists(database), $"{database} should exist");
    }

    [Fact]
    public async Task Live_AnswersLive()
    {
        using var root = new TempFolder();
        await using var silo = await SiloHost.StartAsync(root.Path, Ports());

        using var response = await silo.Http.GetAsync("/health/live");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"status":"live"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Restart_OnSameFile_KeepsGrainStateAndReminder()
    {
        using var root = new TempFolder();
        var key = TestServices.UniqueName("restart");
        var settings = new Dictionary<string, string?>(Ports()) { ["Granary:Reminders:MinimumPeriod"] = "00:00:01" };

        await using (var first = await SiloHost.StartAsync(root.Path, settings))
        {
            var grain = first.Grains.GetGrain<IProbeGrain>(key);
            await grain.SetTextAsync("kept");
            // Due long after the restart's start, so a tick proves the second host read the reminder from the file.
            await grain.StartTickingAsync(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1));
        }
        var restartedAt = DateTime.UtcNow;

        await using var second = await SiloHost.StartAsync(root.Path, settings);
        await Poll.UntilAsync(
            () => Task.FromResult(ReminderTicks.Of(key).Count(t => t.At > restartedAt)),
            count => count > 0,
            TimeSpan.FromSeconds(30),
            "a tick of the reminder registered before the restart");
        var again = second.Grains.GetGrain<IProbeGrain>(key);
        Assert.Equal("kept", await again.GetTextAsync());
        await again.StopTickingAsync();
    }

    internal static Dictionary<string, string?> Ports() => new()
    {
        ["Granary:Cluster:SiloPort"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Granary:Cluster:GatewayPort"] = "0",
    };
}
