using Granary.Testing.Processes;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Granary.Hosting.Tests;

/// <summary>TLS between silos: silos holding the cluster's certificate form a cluster; a silo with another one cannot join.</summary>
public sealed class ClusterTlsTests(ScratchDatabase database) : IClassFixture<ScratchDatabase>, IAsyncLifetime
{
    private readonly string _clusterId = TestServices.UniqueName("tls");
    private readonly string _serviceId = TestServices.UniqueName("service");
    private readonly TempFolder _root = new();

    [Fact]
    public async Task SilosWithTheClusterCertificate_Join_AndOneWithAnotherCertificateIsRefused()
    {
        var clusterCertificate = ClusterCertificate.Write(_root.Path, "cluster");
        var strangerCertificate = ClusterCertificate.Write(_root.Path, "stranger");
        await using var a = await SiloHost.StartAsync(_root.Path, Settings("tls-a", clusterCertificate));
        await using var b = await SiloHost.StartAsync(_root.Path, Settings("tls-b", clusterCertificate));
        await Poll.UntilAsync(
            () => Task.FromResult(ActiveSilos(a)), active => active == 2, TimeSpan.FromSeconds(30), "2 active silos over TLS");
        var key = TestServices.UniqueName("tls-grain");
        var onB = await b.Grains.GetGrain<IProbeGrain>(key).WhereAmIAsync();

        var seenFromA = await a.Grains.GetGrain<IProbeGrain>(key).WhereAmIAsync();
        var refusal = await SiloHost.StartExpectingFailureAsync(_root.Path, new Dictionary<string, string?>(Settings("tls-stranger", strangerCertificate))
        {
            ["Granary:Cluster:JoinTimeout"] = "00:00:03",
        });

        Assert.Equal(onB, seenFromA);
        Assert.NotEqual(a.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(), seenFromA);
        Assert.Contains("Failed to get ping responses from 2 of 2 active silos", refusal);
        Assert.Equal(2, ActiveSilos(a));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _root.Dispose();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
        await redis.GetDatabase().KeyDeleteAsync([$"{_serviceId}/members/{_clusterId}", $"{_serviceId}/reminders"]);
    }

    private static int ActiveSilos(SiloHost silo) =>
        silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);

    private Dictionary<string, string?> Settings(string name, string certificate) => new()
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
        ["Granary:Cluster:Tls:CertificatePath"] = certificate,
        ["Granary:Cluster:Tls:CertificatePassword"] = ClusterCertificate.Password,
    };
}
