using Granary.Engine.Bench.Cluster;
using Granary.Engine.Bench.Hosting;
using Granary.Grains;
using Granary.Persistence;
using Granary.ReadModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Providers;
using StackExchange.Redis;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// The silos of one jobs measurement, in a cluster of the run's service id and grain state in a scratch database of
/// their own: silo A in this process, composed as src/Hosting's cluster profile composes a silo (Redis membership with
/// Granary's membership options, Granary's PostgreSQL grain storage as the default storage, Redis reminders, the
/// domain's services and its read model in the same database, loopback allowed as a webhook target), and
/// <c>siloCount - 1</c> Release src/Silo processes joined to it. Disposing stops the processes (SIGTERM), then silo A,
/// then drops the database.
/// </summary>
internal sealed class JobsSetup : IAsyncDisposable
{
    /// <summary>The receiver listens on 127.0.0.1; without this the SSRF policy refuses it.</summary>
    public const string AllowedTarget = "127.0.0.1/32";

    /// <summary>
    /// Npgsql pool size of each pool when there are three silos. Each silo has two pools (grain storage, read model)
    /// of 100 by default: 600 connections would pass the local server's max_connections (500), which the other
    /// developers' tests share. One silo keeps the default.
    /// </summary>
    public const int PoolPerSiloOfThree = 50;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ScratchDatabase _database;
    private readonly List<GranarySiloProcess> _processes;
    private readonly ObserverFatalErrorHandler _fatal;
    private BenchSilo? _siloA;

    private JobsSetup(ScratchDatabase database, string postgres, List<GranarySiloProcess> processes, ObserverFatalErrorHandler fatal)
    {
        _database = database;
        Postgres = postgres;
        _processes = processes;
        _fatal = fatal;
    }

    /// <summary>Silo A, this process: callers use its co-hosted grain factory.</summary>
    public BenchSilo SiloA => _siloA!;

    /// <summary>The connection string every silo of the setup uses (the scratch database, pool size set).</summary>
    public string Postgres { get; }

    public string DatabaseName => _database.Name;

    /// <summary>CPU time the silo processes used so far.</summary>
    public TimeSpan ProcessesCpu() => _processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.CpuTime);

    /// <summary>Starts silo A (which makes the scratch database's schema current), then the processes, and waits until every silo sees all.</summary>
    public static async Task<JobsSetup> StartAsync(BenchCluster cluster, string siloDll, int siloCount)
    {
        var database = await ScratchDatabase.CreateAsync();
        var postgres = siloCount == 1
            ? database.ConnectionString
            : new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = PoolPerSiloOfThree }.ConnectionString;
        var setup = new JobsSetup(database, postgres, [], new ObserverFatalErrorHandler());
        try
        {
            var settings = cluster.Settings($"jobs-{siloCount}silo", MembershipSet.Granary);
            setup._siloA = await BenchCluster.StartInProcessAsync(
                settings, setup._fatal, silo => ConfigureSiloA(silo, settings, postgres), services => AddDomain(services, postgres), LogLevel.Error);
            for (var i = 1; i < siloCount; i++)
            {
                setup._processes.Add(GranarySiloProcess.Start(siloDll, $"bench-jobs-{(char)('a' + i)}", settings.WithFreePort(), postgres, AllowedTarget));
            }
            await BenchCluster.WaitForActiveAsync(setup.SiloA, siloCount, StartTimeout);
            await Task.WhenAll(setup._processes.Select(p => p.WaitForViewAsync(siloCount, StartTimeout)));
            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }

    /// <summary>Throws when Orleans reported a fatal error on silo A: the run's figures can't be trusted.</summary>
    public void ThrowIfSiloAFailed() => _fatal.ThrowIfFailed();

    /// <summary>"bench" for silo A, the process's name for the others (matched by silo port).</summary>
    public string NameOf(SiloAddress? address) =>
        address is null ? "nowhere"
        : address.Equals(SiloA.Address) ? "bench"
        : _processes.FirstOrDefault(p => p.SiloPort == address.Endpoint.Port)?.Name ?? address.ToString();

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_processes.Select(p => p.DisposeAsync().AsTask()));
        if (_siloA is not null)
        {
            await _siloA.DisposeAsync();
        }
        await _database.DisposeAsync();
    }

    private static void ConfigureSiloA(ISiloBuilder silo, ClusterSettings settings, string postgres) =>
        silo.AddGranaryGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, StorageDialect.Postgres, postgres)
            .UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.Redis));

    /// <summary>As src/Silo registers them: the read model before the domain, whose "no read model" fallback then stays unused.</summary>
    private static void AddDomain(IServiceCollection services, string postgres)
    {
        var granary = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Granary:Webhooks:AllowedTargets:0", AllowedTarget)])
            .Build()
            .GetSection("Granary");
        services.AddReadModel(_ => ReadModelDatabase.ForPostgres(postgres));
        services.AddGranaryDomain(granary);
    }
}
