using Granary.Runtime.Cluster.Remote;
using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Hosting;
using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Tests.Cluster;

public sealed class ClusterSecurityTests
{
    [Fact]
    public async Task Stranger_WithoutTheClusterSecret_CannotInvokeAGrain()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log, o => o.SiloCount = 2);
        var target = cluster.Silos[1];
        var clusterId = cluster.ServicesOf(target).GetRequiredService<Microsoft.Extensions.Options.IOptions<SiloOptions>>().Value.ClusterId;
        await using var stranger = new SiloConnectionPool(
            new SiloTransportOptions { ClusterId = clusterId, SharedSecret = "not-the-cluster-secret-at-all" },
            TimeProvider.System,
            NullLoggerFactory.Instance);

        // A well-formed call to a grain the target silo owns, as a member would send it.
        var key = Enumerable.Range(0, 1000).Select(i => $"guarded-{i}")
            .First(k => cluster.Silos[0].Runtime.Placement.OwnerOf(new GrainId("lifecycle", k)) == target.Address);
        var request = (Messaging.GrainRequest)Activator.CreateInstance(
            typeof(ILifecycleGrain).Assembly.GetTypes().Single(t => t.Name.EndsWith("ILifecycleGrain_ActivationId_0", StringComparison.Ordinal)))!;
        request.Target = new GrainId("lifecycle", key);
        var payload = WireFormat.EncodeRequest(request, 5_000, 0);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => stranger.SendRequestAsync(target.Address, payload, TimeSpan.FromSeconds(5)));

        Assert.DoesNotContain($"activate {key}", log.Entries);
        Assert.Equal(0, target.ActivationCount);
        // The same call from a member of the cluster reaches the grain.
        await cluster.Silos[0].GrainFactory.GetGrain<ILifecycleGrain>(key).ActivationId();
        Assert.Contains($"activate {key}", log.Entries);
        Assert.Equal(1, target.ActivationCount);
    }
}
