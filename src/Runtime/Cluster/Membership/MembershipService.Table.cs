using Granary.Runtime.Cluster.Ring;
using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Membership;

/// <summary>Reading the table into views, writing this silo's row, and votes.</summary>
internal sealed partial class MembershipService
{
    private const int MaxWriteAttempts = 20;

    public ClusterView CurrentView => _membership.View;

    /// <summary>Re-reads the table: fences if this silo is Dead, rewrites its row if it vanished, retires silos that stopped writing I-am-alive, publishes the view.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken) => await RefreshAsync(long.MaxValue, cancellationToken);

    /// <summary>Re-reads the table unless the view reached <paramref name="unlessAtLeast"/> meanwhile (concurrent callers share one read).</summary>
    public async Task RefreshAsync(long unlessAtLeast, CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            if (_membership.View.Version >= unlessAtLeast)
            {
                return;
            }
            for (var pass = 0; pass < 3; pass++)
            {
                var snapshot = await _table.ReadAllAsync(cancellationToken);
                var mine = snapshot.Find(LocalSilo);
                if (mine?.Status == SiloStatus.Dead && !_leaving)
                {
                    Fence();
                    return;
                }
                if (mine is null && _entry is not null && !_leaving && !_fenced)
                {
                    _log.RowMissing();
                    if (await _table.InsertAsync(_entry, snapshot.Version, cancellationToken))
                    {
                        // A re-inserted row has no I-am-alive yet: without one it would look silent since the silo started.
                        await _table.UpdateIAmAliveAsync(LocalSilo, cancellationToken);
                    }
                    continue;
                }

                var now = await _table.GetServerTimeAsync(cancellationToken);
                var silent = snapshot.Entries
                    .Where(e => e.Address != LocalSilo && e.Status is SiloStatus.Joining or SiloStatus.Active or SiloStatus.ShuttingDown)
                    .Where(e => now - Max(e.IAmAliveTime, e.StartTime) > _options.DeathTimeout)
                    .ToList();
                if (silent.Count > 0 && !_leaving)
                {
                    foreach (var entry in silent)
                    {
                        if (await _table.UpdateAsync(entry with { Status = SiloStatus.Dead }, snapshot.Version, cancellationToken))
                        {
                            _log.DeclaredDead(entry.Address, $"no I-am-alive for {(now - Max(entry.IAmAliveTime, entry.StartTime)).TotalSeconds:0.#} s");
                        }
                        break;
                    }
                    continue;
                }

                Publish(snapshot);
                return;
            }
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Adds this silo's vote against <paramref name="target"/>; writes Dead when the votes reach the quorum.</summary>
    public async Task VoteDeadAsync(SiloAddress target, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken);
            var entry = snapshot.Find(target);
            if (entry is null || entry.Status == SiloStatus.Dead)
            {
                break;
            }
            var now = await _table.GetServerTimeAsync(cancellationToken);
            var votes = entry.Suspicions
                .Where(v => v.Voter != LocalSilo && now - v.Time < _options.SuspicionExpiry)
                .Append(new Suspicion(LocalSilo, now))
                .ToList();
            var active = snapshot.Entries.Count(e => e.Status == SiloStatus.Active);
            var required = Math.Max(1, Math.Min(_options.VotesForDeath, (active + 1) / 2));
            var dead = votes.Count >= required;
            var updated = entry with { Suspicions = votes, Status = dead ? SiloStatus.Dead : entry.Status };
            if (await _table.UpdateAsync(updated, snapshot.Version, cancellationToken))
            {
                if (dead)
                {
                    _log.DeclaredDead(target, $"{votes.Count} of {required} votes after missed probes");
                }
                break;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20 * (attempt + 1)), _time, cancellationToken);
        }
        TriggerRefresh();
    }

    /// <summary>Writes this silo's row with <paramref name="status"/>, retrying lost races.</summary>
    private async Task WriteOwnRowAsync(SiloStatus status, bool retireOlderGenerations, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken);
            if (retireOlderGenerations)
            {
                // A previous run of this silo at the same address that never said goodbye is dead by definition.
                var previous = snapshot.Entries.FirstOrDefault(e =>
                    e.Address.Host == LocalSilo.Host && e.Address.Port == LocalSilo.Port && e.Address.Generation < LocalSilo.Generation && e.Status != SiloStatus.Dead);
                if (previous is not null)
                {
                    if (await _table.UpdateAsync(previous with { Status = SiloStatus.Dead }, snapshot.Version, cancellationToken))
                    {
                        _log.DeclaredDead(previous.Address, "replaced by a newer generation at the same address");
                    }
                    continue;
                }
            }

            var row = snapshot.Find(LocalSilo);
            if (row?.Status == SiloStatus.Dead && status != SiloStatus.Dead)
            {
                Fence();
                throw new InvalidOperationException($"Silo {LocalSilo} was declared Dead by the cluster.");
            }
            var entry = (row ?? _entry!) with { Status = status, Suspicions = row?.Suspicions ?? [] };
            var written = row is null
                ? await _table.InsertAsync(entry, snapshot.Version, cancellationToken)
                : await _table.UpdateAsync(entry, snapshot.Version, cancellationToken);
            if (written)
            {
                _entry = entry;
                _membership.TryPublish(new ClusterView(await _table.ReadAllAsync(cancellationToken)));
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(10 * (attempt + 1)), _time, cancellationToken);
        }
        throw new InvalidOperationException($"Silo {LocalSilo} could not write its membership row ({status}) after {MaxWriteAttempts} attempts: other silos keep changing the table.");
    }

    private void Publish(MembershipSnapshot snapshot)
    {
        var view = new ClusterView(snapshot);
        if (_membership.TryPublish(view))
        {
            _log.ViewChanged(view.Version, view.Ring.Silos.Count, string.Join(", ", view.Ring.Silos));
        }
    }

    private void Fence()
    {
        if (_fenced)
        {
            return;
        }
        _fenced = true;
        _log.Fenced(LocalSilo);
        _stopping.Cancel();
        _onFenced();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private async Task IAmAliveLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.IAmAlivePeriod, _time, _stopping.Token);
                if (!await _table.UpdateIAmAliveAsync(LocalSilo, _stopping.Token))
                {
                    TriggerRefresh();
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _log.IAmAliveFailed(ex);
            }
        }
    }

    private async Task RefreshLoopAsync()
    {
        var refreshes = 0;
        while (!_stopping.IsCancellationRequested)
        {
            Task signal;
            bool pending;
            lock (_signalLock)
            {
                // A notice that came while the last refresh ran means the table changed after that read: read again now.
                pending = _refreshSignal.Task.IsCompleted;
                if (pending)
                {
                    _refreshSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                signal = _refreshSignal.Task;
            }
            try
            {
                if (!pending)
                {
                    await Task.WhenAny(signal, Task.Delay(_options.RefreshPeriod, _time, _stopping.Token));
                }
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                await RefreshAsync(_stopping.Token);
                if (++refreshes % 100 == 0 && IsOldestActive())
                {
                    await _table.DeleteDefunctAsync(await _table.GetServerTimeAsync(_stopping.Token) - _options.DefunctRowExpiry, _stopping.Token);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Redis unreachable: keep the last view and go on serving.
                _log.RefreshFailed(ex, _membership.View.Version);
                await Task.Delay(_options.ProbeInterval, _time, CancellationToken.None);
            }
        }
    }

    private bool IsOldestActive() =>
        _membership.View.Entries.Where(e => e.Status == SiloStatus.Active).MinBy(e => e.Address.Generation)?.Address == LocalSilo;
}
