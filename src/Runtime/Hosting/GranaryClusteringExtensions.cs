using Granary.Runtime.Cluster;
using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Cluster.Membership.Memory;
using Granary.Runtime.Cluster.Membership.Redis;
using Granary.Runtime.Cluster.Remote;
using Granary.Runtime.Cluster.Ring;
using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Placement;
using Granary.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Hosting;

/// <summary>Turns a silo into a member of a cluster: membership table, failure detection, hash-ring placement, silo transport.</summary>
public static class GranaryClusteringExtensions
{
    /// <summary>Clusters through a Redis membership table.</summary>
    public static GranaryBuilder UseRedisClustering(this GranaryBuilder builder, Action<RedisMembershipOptions> configureTable, Action<ClusterOptions>? configureCluster = null, Action<SiloTransportOptions>? configureTransport = null)
    {
        var table = new RedisMembershipOptions();
        configureTable(table);
        return builder.UseClustering(sp =>
        {
            table.ClusterId = sp.GetRequiredService<IOptions<SiloOptions>>().Value.ClusterId;
            return new RedisMembershipTable(table, sp.GetService<ILogger<RedisMembershipTable>>());
        }, configureCluster, configureTransport);
    }

    /// <summary>Clusters through an in-memory table shared by silos of one process (tests).</summary>
    public static GranaryBuilder UseMemoryClustering(this GranaryBuilder builder, IMembershipTable sharedTable, Action<ClusterOptions>? configureCluster = null, Action<SiloTransportOptions>? configureTransport = null) =>
        builder.UseClustering(_ => new NonDisposingTable(sharedTable), configureCluster, configureTransport);

    /// <summary>Clusters through any membership table.</summary>
    public static GranaryBuilder UseClustering(this GranaryBuilder builder, Func<IServiceProvider, IMembershipTable> table, Action<ClusterOptions>? configureCluster = null, Action<SiloTransportOptions>? configureTransport = null)
    {
        var services = builder.Services;
        var cluster = services.AddOptions<ClusterOptions>().ValidateOnStart();
        if (configureCluster is not null)
        {
            cluster.Configure(configureCluster);
        }
        var transport = services.AddOptions<SiloTransportOptions>()
            .Configure<IOptions<SiloOptions>>((t, silo) => t.ClusterId = silo.Value.ClusterId)
            .ValidateOnStart();
        if (configureTransport is not null)
        {
            transport.Configure(configureTransport);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloTransportOptions>, SiloTransportOptionsValidator>());

        services.AddSingleton(table);
        services.AddSingleton<IPlacementDirector>(sp => new RingPlacementDirector(sp.GetRequiredService<ClusterMembership>()));
        services.AddSingleton<IReminderBucketOwnership>(sp => new RingBucketOwnership(sp.GetRequiredService<ClusterMembership>()));
        services.AddSingleton(sp => new SiloConnectionPool(sp.GetRequiredService<IOptions<SiloTransportOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new MembershipService(
            sp.GetRequiredService<IMembershipTable>(),
            sp.GetRequiredService<ClusterMembership>(),
            new PoolProber(sp.GetRequiredService<SiloConnectionPool>()),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Granary.Cluster"),
            () =>
            {
                // Declared dead: others may already run this silo's grains, so it stops serving at once, then exits.
                _ = sp.GetRequiredService<Silo>().KillAsync();
                sp.GetService<IHostApplicationLifetime>()?.StopApplication();
            }));
        services.AddSingleton<ISiloTransport>(sp => new RemoteInvoker(
            sp.GetRequiredService<SiloConnectionPool>(),
            sp.GetRequiredService<SiloRuntime>(),
            sp.GetRequiredService<ClusterMembership>(),
            ct => sp.GetRequiredService<MembershipService>().RefreshAsync(ct)));
        services.AddSingleton<ISiloMessageHandler>(sp => new RemoteRequestHandler(
            sp.GetRequiredService<SiloRuntime>(),
            sp.GetRequiredService<ClusterMembership>(),
            sp.GetRequiredService<IPlacementDirector>(),
            (version, ct) => sp.GetRequiredService<MembershipService>().RefreshAsync(version, ct)));
        services.AddSingleton(sp => new SiloConnectionHandler(
            sp.GetRequiredService<ISiloMessageHandler>(),
            sp.GetRequiredService<IOptions<SiloTransportOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Granary.Transport"),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ClusterCoordinator(
            sp.GetRequiredService<MembershipService>(),
            sp.GetRequiredService<ClusterMembership>(),
            sp.GetRequiredService<SiloRuntime>(),
            sp.GetRequiredService<SiloConnectionPool>(),
            sp.GetRequiredService<ReminderService>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value));
        return builder;
    }

    /// <summary>A shared table outlives each silo that uses it.</summary>
    private sealed class NonDisposingTable(IMembershipTable inner) : IMembershipTable
    {
        public string Kind => inner.Kind;

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);

        public Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) => inner.InsertAsync(entry, expectedVersion, cancellationToken);

        public Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) => inner.UpdateAsync(entry, expectedVersion, cancellationToken);

        public Task<bool> UpdateIAmAliveAsync(SiloAddress silo, CancellationToken cancellationToken) => inner.UpdateIAmAliveAsync(silo, cancellationToken);

        public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken) => inner.GetServerTimeAsync(cancellationToken);

        public Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => inner.DeleteDefunctAsync(olderThan, cancellationToken);

        public IDisposable SubscribeToChanges(Action<long> onChanged) => inner.SubscribeToChanges(onChanged);

        public Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
