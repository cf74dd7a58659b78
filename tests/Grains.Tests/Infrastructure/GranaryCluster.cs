using Granary.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Granary.Grains.Tests.Infrastructure;

/// <summary>
/// An Orleans <see cref="InProcessTestCluster"/> hosting the domain's grains (<c>AddGranaryDomain</c>), with memory or
/// Granary's SQLite storage and reminders, grains on a fake clock and Orleans's own machinery on real time.
/// </summary>
public sealed class GranaryCluster : IAsyncDisposable
{
    private readonly TimeProvider _clock;

    private GranaryCluster(InProcessTestCluster cluster, TimeProvider clock)
    {
        TestCluster = cluster;
        _clock = clock;
    }

    /// <summary>Orleans's test cluster itself (silos, deactivation helpers).</summary>
    public InProcessTestCluster TestCluster { get; }

    /// <summary>The client the tests call grains through (every call crosses the in-memory transport, serialized).</summary>
    public IClusterClient Grains => TestCluster.Client;

    /// <summary>The grains' clock; fails for a cluster whose grains read real time.</summary>
    public FakeTimeProvider Time => _clock as FakeTimeProvider
        ?? throw new InvalidOperationException("This cluster's grains read real time; set GranaryClusterOptions.GrainClock to null for a fake clock.");

    /// <summary>The services of the first running silo.</summary>
    public IServiceProvider SiloServices => TestCluster.GetActiveSilos().First().SiloHost.Services;

    public static async Task<GranaryCluster> StartAsync(GranaryClusterOptions options)
    {
        var clock = options.GrainClock ?? new FakeTimeProvider(DateTimeOffset.UtcNow);
        var granary = new ConfigurationBuilder().AddInMemoryCollection(options.Settings).Build();
        var builder = new InProcessTestClusterBuilder(options.Silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            if (options.SqliteFile is { } file)
            {
                var connectionString = SqliteDatabase.ConnectionString(file);
                silo.AddGranaryGrainStorage("Default", StorageDialect.Sqlite, connectionString)
                    .UseGranarySqliteReminderService(connectionString);
            }
            else
            {
                // Orleans's binary serializer, as Granary's storages use: the memory storage's default (Newtonsoft JSON
                // with type names) can't read back state holding compiler-made collections such as [.. list].
                silo.AddMemoryGrainStorage("Default", (OptionsBuilder<MemoryGrainStorageOptions> storage) =>
                        storage.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)))
                    .UseInMemoryReminderService();
            }
            if (options.MinimumReminderPeriod is { } period)
            {
                silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = period);
            }

            silo.Services.AddSingleton(clock);
            if (clock is FakeTimeProvider)
            {
                // Membership, messaging and the reminder service keep real time; grains and their timers read the fake.
                silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            }
            silo.Services.AddGranaryDomain(granary);
            foreach (var configure in options.Services)
            {
                configure(silo.Services);
            }
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return new GranaryCluster(cluster, clock);
    }

    /// <summary>
    /// Stops every silo gracefully and starts it again on the same storage, reminders and service id, then starts a
    /// fresh client: the old one may still try the gateways of the stopped silos until its gateway list refreshes.
    /// </summary>
    public async Task RestartAsync()
    {
        foreach (var silo in TestCluster.GetActiveSilos().ToList())
        {
            await TestCluster.RestartSiloAsync(silo);
        }
        await TestCluster.InitializeClientAsync();
    }

    public async ValueTask DisposeAsync() => await TestCluster.DisposeAsync();
}
