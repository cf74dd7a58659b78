using System.Diagnostics;
using Granary.Runtime.Activations;
using Granary.Runtime.Cluster;
using Granary.Runtime.Persistence;
using Granary.Runtime.Reminders;
using Granary.Runtime.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Hosting;

/// <summary>
/// One silo: hosts activations, runs reminders, answers health checks. Started and stopped by the host
/// (<see cref="SiloHostedService"/>) or by a TestCluster. Start: storage and reminder schemas, reminder polling,
/// idle collection, deadlines. Stop: reminders stop (unfired claims go back to the table), no new activations,
/// every activation finishes its requests and deactivates, then the providers close.
/// </summary>
public sealed class Silo
{
    private readonly IServiceProvider _services;
    private readonly ClusterCoordinator? _cluster;
    private ActivationCollector? _collector;
    private DeadlineMonitor? _deadlines;
    private int _state; // 0 new, 1 started, 2 stopping, 3 stopped

    internal Silo(IServiceProvider services, SiloRuntime runtime, ClusterCoordinator? cluster)
    {
        _services = services;
        _cluster = cluster;
        Runtime = runtime;
        ActivationScheduler.UnhandledItemException ??= ex => runtime.Log.SchedulerItemFailed(ex);
    }

    internal SiloRuntime Runtime { get; }

    /// <summary>The silo's name from <see cref="SiloOptions.SiloName"/>.</summary>
    public string Name => Runtime.Options.SiloName;

    /// <summary>References to grains, for code outside grains (HTTP handlers, tests).</summary>
    public IGrainFactory GrainFactory => Runtime.GrainFactory;

    /// <summary>The silo's counters.</summary>
    public RuntimeStatistics Statistics => Runtime.Statistics;

    /// <summary>True between a completed start and the beginning of stop.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == 1;

    /// <summary>Number of grain ids with a live activation (or stateless worker pool).</summary>
    public int ActivationCount => Runtime.Catalog.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException($"Silo {Name} was already started.");
        }
        var stopwatch = Stopwatch.StartNew();
        var storages = _services.GetServices<GrainStorageRegistration>().Select(r => (r.Name, Storage: _services.GetRequiredKeyedService<IGrainStorage>(r.Name))).ToList();
        var reminders = _services.GetRequiredService<ReminderService>();
        Runtime.Log.SiloStarting(Name, Runtime.LocalSilo.ToString(), string.Join(", ", storages.Select(s => $"{s.Name}={s.Storage.Kind}")), reminders.Table.Kind);

        foreach (var (_, storage) in storages)
        {
            await storage.InitializeAsync(cancellationToken);
        }
        await reminders.StartAsync(cancellationToken);
        _collector = new ActivationCollector(Runtime);
        _deadlines = new DeadlineMonitor(Runtime);
        Runtime.Log.SiloStarted(Name, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>True when the silo is configured to form a cluster with others.</summary>
    public bool IsClustered => _cluster is not null;

    /// <summary>This silo's address in its cluster (a placeholder when it runs alone).</summary>
    public Placement.SiloAddress Address => Runtime.LocalSilo;

    /// <summary>Joins the cluster once the silo port listens; nothing to do for a silo that runs alone.</summary>
    public Task JoinClusterAsync(int siloPort, int httpPort, CancellationToken cancellationToken) =>
        _cluster?.JoinAsync(siloPort, httpPort, cancellationToken) ?? Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }
        var stopwatch = Stopwatch.StartNew();
        Runtime.Log.SiloStopping(Name, Runtime.Catalog.Count);
        var timeout = Runtime.Options.ShutdownTimeout;

        // Off the ring first: the others stop sending new work here while this silo finishes what it has.
        if (_cluster is not null)
        {
            try
            {
                await _cluster.BeginLeavingAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Runtime.Log.LeaveFailed(ex, Name);
            }
        }

        await _services.GetRequiredService<ReminderService>().StopAsync(timeout);
        _collector?.Dispose();
        try
        {
            await Runtime.Catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is stopping"))
                .WaitAsync(timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            Runtime.Log.ShutdownTimedOut(Name, timeout);
        }
        _deadlines?.Dispose();
        if (_cluster is not null)
        {
            if (_services.GetService<Cluster.Transport.ISiloMessageHandler>() is Cluster.Remote.RemoteRequestHandler handler)
            {
                await _cluster.WaitForQuietAsync(handler, cancellationToken);
            }
            await _cluster.LeaveAsync(cancellationToken);
        }
        Volatile.Write(ref _state, 3);
        Runtime.Log.SiloStopped(Name, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>Asks every provider for a round trip; what /health/ready reports.</summary>
    public async Task<IReadOnlyList<ProviderHealth>> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var checks = _services.GetServices<GrainStorageRegistration>()
            .Select(r => _services.GetRequiredKeyedService<IGrainStorage>(r.Name).CheckHealthAsync(cancellationToken))
            .Append(_services.GetRequiredService<ReminderService>().Table.CheckHealthAsync(cancellationToken));
        var results = (await Task.WhenAll(checks)).ToList();
        results.Insert(0, new ProviderHealth("silo", "runtime", IsRunning, IsRunning ? $"{ActivationCount} grain ids active" : "not running"));
        if (_cluster is not null)
        {
            results.Add(await _cluster.Membership.Table.CheckHealthAsync(cancellationToken));
            var status = _cluster.Membership.Status;
            results.Add(new ProviderHealth("cluster", "membership", status == Cluster.Membership.SiloStatus.Active,
                $"{status?.ToString() ?? "not joined"} as {Address}; view {_cluster.Membership.CurrentView.Version} with {_cluster.Membership.CurrentView.Ring.Silos.Count} active silos"));
        }
        return results;
    }

    /// <summary>
    /// Stops as a crash would, for tests: nothing is written to the membership table, no grain deactivates, reminder
    /// claims stay leased; the other silos have to detect the loss.
    /// </summary>
    internal async Task KillAsync()
    {
        Volatile.Write(ref _state, 3);
        Runtime.Catalog.Close();
        _collector?.Dispose();
        _deadlines?.Dispose();
        await _services.GetRequiredService<ReminderService>().AbandonAsync();
        if (_cluster is not null)
        {
            await _cluster.AbandonAsync();
        }
    }

    /// <summary>Deactivates one grain's activation now (tests, administration); completes when it is gone.</summary>
    public Task DeactivateAsync(GrainId grainId) =>
        Runtime.Catalog.TryGet(grainId, out var target)
            ? target.DeactivateAsync(new DeactivationReason(DeactivationReasonCode.RuntimeRequested, "requested by the host"))
            : Task.CompletedTask;

    /// <summary>Runs idle collection now instead of at the next quantum (tests, administration).</summary>
    public int CollectIdleActivations() => _collector?.CollectNow() ?? 0;
}
