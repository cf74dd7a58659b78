using Granary.Runtime.Cluster.Ring;
using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Membership;

/// <summary>
/// This silo's side of the membership protocol. Join: write the row as Joining, reach every Active silo, become
/// Active. Then keep writing I-am-alive, re-read the table on every change notice and periodically, declare dead
/// the silos whose I-am-alive is too old, and probe ring neighbours (<see cref="FailureDetector"/>). Leave:
/// ShuttingDown, then Dead. A silo that reads its own row as Dead stops at once (fencing); a silo whose row
/// vanished (the table lost its data) writes it again, so the cluster re-forms by itself.
/// </summary>
internal sealed partial class MembershipService : IAsyncDisposable
{
    private readonly IMembershipTable _table;
    private readonly ClusterMembership _membership;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Action _onFenced;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly FailureDetector _detector;
    private readonly List<Task> _loops = [];
    private readonly object _signalLock = new();
    private TaskCompletionSource _refreshSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _subscription;
    private MembershipEntry? _entry;
    private volatile bool _leaving;
    private volatile bool _fenced;

    public MembershipService(IMembershipTable table, ClusterMembership membership, ISiloProber prober, ClusterOptions options, TimeProvider time, ILogger log, Action onFenced)
    {
        _table = table;
        _membership = membership;
        _options = options;
        _time = time;
        _log = log;
        _onFenced = onFenced;
        _detector = new FailureDetector(this, prober, options, time, log);
    }

    public IMembershipTable Table => _table;

    public SiloAddress LocalSilo => _membership.LocalSilo;

    public bool IsFenced => _fenced;

    /// <summary>The status this silo last wrote for itself.</summary>
    public SiloStatus? Status => _entry?.Status;

    /// <summary>Writes the row, waits until every Active silo answers a ping, then becomes Active.</summary>
    public async Task JoinAsync(string host, int port, string siloName, int httpPort, CancellationToken cancellationToken)
    {
        await _table.InitializeAsync(cancellationToken);
        var now = await _table.GetServerTimeAsync(cancellationToken);
        var address = new SiloAddress(host, port, now.ToUnixTimeMilliseconds());
        _membership.LocalSilo = address;
        _entry = new MembershipEntry
        {
            Address = address,
            SiloName = siloName,
            HttpPort = httpPort,
            Status = SiloStatus.Joining,
            StartTime = now,
            IAmAliveTime = now,
        };
        await WriteOwnRowAsync(SiloStatus.Joining, retireOlderGenerations: true, cancellationToken);
        // Alive from the first row on: a slow join must not look like a dead silo to the others.
        _loops.Add(Task.Run(IAmAliveLoopAsync, CancellationToken.None));
        _subscription = _table.SubscribeToChanges(_ => TriggerRefresh());
        try
        {
            await RefreshAsync(cancellationToken);
            await WaitForActiveSilosAsync(cancellationToken);
            await WriteOwnRowAsync(SiloStatus.Active, retireOlderGenerations: false, cancellationToken);
        }
        catch (OperationCanceledException) when (_fenced)
        {
            throw new InvalidOperationException($"Silo {address} was declared Dead by the cluster while it was joining; see the log for why (often: other silos can't reach its silo port, or the shared secret differs).");
        }
        _log.Joined(address, SiloStatus.Active, _membership.View.Version);

        _loops.Add(Task.Run(RefreshLoopAsync, CancellationToken.None));
        _loops.Add(Task.Run(() => _detector.RunAsync(_stopping.Token), CancellationToken.None));
    }

    /// <summary>First step of a graceful stop: off the ring, so the others stop sending new work here.</summary>
    public Task BeginLeavingAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        return _fenced || _entry is null ? Task.CompletedTask : WriteOwnRowAsync(SiloStatus.ShuttingDown, false, cancellationToken);
    }

    /// <summary>Last step of a graceful stop: the row says Dead and the loops end.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        await StopLoopsAsync();
        if (!_fenced && _entry is not null)
        {
            try
            {
                await WriteOwnRowAsync(SiloStatus.Dead, false, cancellationToken);
                _log.Left(_entry.Address, SiloStatus.Dead);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.WriteFailed(ex);
            }
        }
    }

    /// <summary>Stops every loop without writing anything (a crash, as the others see it).</summary>
    public async Task StopLoopsAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }
        _subscription?.Dispose();
        TriggerRefresh();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoopsAsync();
        _refreshLock.Dispose();
    }

    /// <summary>Asks the refresh loop to re-read the table now.</summary>
    public void TriggerRefresh()
    {
        lock (_signalLock)
        {
            _refreshSignal.TrySetResult();
        }
    }

    private async Task WaitForActiveSilosAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.JoinTimeout;
        while (true)
        {
            var others = _membership.View.Entries.Where(e => e.Status == SiloStatus.Active && e.Address != LocalSilo).ToList();
            var failures = await Task.WhenAll(others.Select(async e =>
            {
                try
                {
                    await _detector.Prober.PingAsync(e.Address, _options.ProbeTimeout, cancellationToken);
                    return null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _log.JoinProbeFailed(e.Address, ex.Message);
                    return e.Address;
                }
            }));
            var unreachable = failures.Where(f => f is not null).ToList();
            if (unreachable.Count == 0)
            {
                return;
            }
            if (_time.GetUtcNow() > deadline)
            {
                throw new InvalidOperationException(
                    $"Silo {LocalSilo} could not reach the Active silos {string.Join(", ", unreachable)} within {_options.JoinTimeout} (Granary:Cluster:JoinTimeout). Check that their silo ports are reachable from here and that the cluster secret matches.");
            }
            await Task.Delay(_options.ProbeInterval, _time, cancellationToken);
            await RefreshAsync(cancellationToken);
        }
    }
}
