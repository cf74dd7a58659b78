using Granary.Runtime.Cluster;
using Granary.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Testing;

/// <summary>How each silo of a <see cref="TestCluster"/> is configured.</summary>
public sealed partial class TestCluster
{
    private void Configure(IServiceCollection services, int generation)
    {
        if (_options.TimeProvider is not null)
        {
            services.AddSingleton(_options.TimeProvider);
        }
        var granary = services.AddGranary(o =>
        {
            o.SiloName = $"test-silo-{generation}";
            o.ClusterId = _clusterId;
            _options.ConfigureSilo?.Invoke(o);
        }, _options.ConfigureReminders);

        switch (_options.Storage.Kind)
        {
            case "memory":
                granary.AddGrainStorage(PersistentStateAttribute.DefaultStorageName, _ => _memoryStorage);
                break;
            case "sqlite":
                granary.AddSqliteGrainStorage(PersistentStateAttribute.DefaultStorageName, o => o.Path = _options.Storage.Setting!);
                break;
            case "postgres":
                granary.AddPostgresGrainStorage(PersistentStateAttribute.DefaultStorageName, o => o.ConnectionString = _options.Storage.Setting!);
                break;
        }

        switch (_options.Reminders.Kind)
        {
            case "memory":
                granary.UseReminderTable(_ => _memoryReminders);
                break;
            case "sqlite":
                granary.UseSqliteReminders(o => o.Path = _options.Reminders.Setting!);
                break;
            case "redis":
                granary.UseRedisReminders(o =>
                {
                    o.Configuration = _options.Reminders.Setting!;
                    o.KeyPrefix = _options.Reminders.KeyPrefix!;
                });
                break;
        }

        if (IsClustered)
        {
            Action<ClusterOptions> cluster = o =>
            {
                FastDetection(o);
                _options.ConfigureCluster?.Invoke(o);
            };
            Action<Cluster.Transport.SiloTransportOptions> transport = o => o.SharedSecret = _sharedSecret;
            if (_options.Membership.Kind == "redis")
            {
                granary.UseRedisClustering(o =>
                {
                    o.Configuration = _options.Membership.Configuration!;
                    o.KeyPrefix = _options.Membership.KeyPrefix!;
                }, cluster, transport);
            }
            else
            {
                granary.UseMemoryClustering(_memoryMembership, cluster, transport);
            }
        }

        _options.ConfigureServices?.Invoke(services);
        _options.ConfigureGranary?.Invoke(granary);
    }

    /// <summary>Test timings: a dead silo is declared dead in about two seconds; silos on loopback only.</summary>
    private static void FastDetection(ClusterOptions o)
    {
        o.AdvertisedHost = "127.0.0.1";
        o.ListenAddress = "127.0.0.1";
        o.SiloPort = 0;
        o.IAmAlivePeriod = TimeSpan.FromMilliseconds(500);
        o.DeathTimeout = TimeSpan.FromSeconds(4);
        o.RefreshPeriod = TimeSpan.FromSeconds(1);
        o.ProbeInterval = TimeSpan.FromMilliseconds(250);
        o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
        o.MissedProbesLimit = 3;
        o.JoinTimeout = TimeSpan.FromSeconds(15);
    }
}
