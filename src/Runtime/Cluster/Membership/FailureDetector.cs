using System.Collections.Concurrent;
using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Membership;

/// <summary>
/// Probes this silo's ring neighbours every <see cref="ClusterOptions.ProbeInterval"/>. After
/// <see cref="ClusterOptions.MissedProbesLimit"/> consecutive misses it votes the neighbour dead in the table; enough
/// votes declare it Dead. The defaults need about five seconds of silence before a vote, so a stalled process (a long
/// GC pause) is not mistaken for a dead one, while a killed one is declared dead well within ten seconds.
/// </summary>
internal sealed class FailureDetector
{
    private readonly MembershipService _membership;
    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<SiloAddress, int> _missed = new();

    public FailureDetector(MembershipService membership, ISiloProber prober, ClusterOptions options, TimeProvider time, ILogger log)
    {
        _membership = membership;
        Prober = prober;
        _options = options;
        _time = time;
        _log = log;
    }

    public ISiloProber Prober { get; }

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ProbeInterval, _time, stopping);
                await ProbeOnceAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _log.WriteFailed(ex);
            }
        }
    }

    private async Task ProbeOnceAsync(CancellationToken stopping)
    {
        var view = _membership.CurrentView;
        var me = _membership.LocalSilo;
        if (view.StatusOf(me) != SiloStatus.Active)
        {
            return;
        }
        var targets = view.Ring.Successors(me, _options.ProbedSilos);
        foreach (var stale in _missed.Keys.Where(k => !targets.Contains(k)))
        {
            _missed.TryRemove(stale, out _);
        }
        await Task.WhenAll(targets.Select(target => ProbeAsync(target, stopping)));
    }

    private async Task ProbeAsync(SiloAddress target, CancellationToken stopping)
    {
        try
        {
            await Prober.PingAsync(target, _options.ProbeTimeout, stopping);
            _missed[target] = 0;
            return;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // Counted below: any failure to answer is a missed probe.
        }

        var missed = _missed.AddOrUpdate(target, 1, (_, n) => n + 1);
        if (missed >= _options.MissedProbesLimit)
        {
            _log.Suspecting(target, missed);
            _missed[target] = 0;
            await _membership.VoteDeadAsync(target, stopping);
        }
    }
}
