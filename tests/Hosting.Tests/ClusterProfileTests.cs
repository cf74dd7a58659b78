using Granary.Testing.Processes;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Granary.Hosting.Tests;

/// <summary>
/// The cluster profile on real services: Redis membership and reminders, grain state in PostgreSQL (a scratch database
/// for this class), two silos in this process on their own ports with a cluster and service id of their own.
/// </summary>
public sealed class ClusterProfileTests(ScratchDatabase database) : IClassFixture<ScratchDatabase>, IAsyncLifetime
{
    private readonly string _clusterId = TestServices.UniqueName("cluster");
    private readonly string _serviceId = TestServices.UniqueName("service");
    private readonly TempFolder _root = new();

    [Fact]
    public async Task TwoSilos_BothActive_AndACallFromOneReachesAGrainOnTheOther()
    {
        await using var a = await SiloHost.StartAsync(_root.Path, Settings("silo-a"));
        await using var b = await SiloHost.StartAsync(_root.Path, Settings("silo-b"));
        await WaitForActiveSilosAsync(a, 2);
        await WaitForActiveSilosAsync(b, 2);

        var key = TestServices.UniqueName("remote");
        // Activated through silo B, so preferred-local placement puts it there; then silo A calls it.
        var onB = await b.Grains.GetGrain<IProbeGrain>(key).WhereAmIAsync();
        var seenFromA = await a.Grains.GetGrain<IProbeGrain>(key).WhereAmIAsync();
        await a.Grains.GetGrain<IProbeGrain>(key).SetTextAsync("from a");

        Assert.Equal(Address(b), onB);
        Assert.Equal(Address(b), seenFromA);
        Assert.NotEqual(Address(a), seenFromA);
        Assert.Equal("from a", await b.Grains.GetGrain<IProbeGrain>(key).GetTextAsync());
        foreach (var silo in new[] { a, b })
        {
            var (status, body) = await silo.GetJsonAsync("/health/ready");
            Assert.Equal(200, status);
            var kinds = body.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("kind").GetString());
            Assert.Equal(["orleans", "postgres", "redis"], kinds);
            Assert.EndsWith("with 2 active silos", body.GetProperty("providers")[0].GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task MembershipTableLost_ActiveSiloHandsItselfToTheFatalErrorHandler_WithinSeconds()
    {
        await using var a = await SiloHost.StartAsync(_root.Path, Settings("silo-a"));
        await WaitForActiveSilosAsync(a, 1);
        var address = a.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
        await Task.Delay(MembershipLossWatchdog.CheckInterval * 2);
        Assert.DoesNotContain(TestFatalErrorHandler.Errors, error => error.Contains(address, StringComparison.Ordinal));

        // What FLUSHALL does to this cluster, without touching the other tests' keys.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
        var table = $"{_serviceId}/members/{_clusterId}";
        Assert.True(await redis.GetDatabase().KeyDeleteAsync(table));

        var error = await Poll.UntilAsync(
            () => Task.FromResult(TestFatalErrorHandler.Errors.FirstOrDefault(e => e.Contains(address, StringComparison.Ordinal))),
            e => e is not null,
            TimeSpan.FromSeconds(15),
            $"a fatal error from {address} after its membership row vanished");
        Assert.Contains("membership table no longer holds this silo", error);

        // The test's handler only records, so the silo still runs: give its stop a table to write its last status in, as a
        // fresh silo's start would create, or the stop retries for minutes.
        await redis.GetDatabase().HashSetAsync(table, "Version", "0");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _root.Dispose();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
        await redis.GetDatabase().KeyDeleteAsync([$"{_serviceId}/members/{_clusterId}", $"{_serviceId}/reminders"]);
    }

    private Dictionary<string, string?> Settings(string name) => new()
    {
        ["Granary:SiloName"] = name,
        ["Granary:ClusterId"] = _clusterId,
        ["Granary:ServiceId"] = _serviceId,
        ["Granary:Storage:Provider"] = "Postgres",
        ["Granary:Storage:Postgres:ConnectionString"] = database.ConnectionString,
        ["Granary:Reminders:Provider"] = "Redis",
        ["Granary:Reminders:Redis:Configuration"] = TestServices.Redis,
        ["Granary:Cluster:Membership:Provider"] = "Redis",
        ["Granary:Cluster:Membership:Redis:Configuration"] = TestServices.Redis,
        ["Granary:Cluster:AdvertisedAddress"] = "127.0.0.1",
        ["Granary:Cluster:SiloPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
        ["Granary:Cluster:GatewayPort"] = "0",
    };

    private static string Address(SiloHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();

    private static Task WaitForActiveSilosAsync(SiloHost silo, int count) => Poll.UntilAsync(
        () => Task.FromResult(silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active)),
        active => active == count,
        TimeSpan.FromSeconds(30),
        $"{count} active silos in the view of {Address(silo)}");
}
