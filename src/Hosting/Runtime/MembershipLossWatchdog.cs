using Microsoft.Extensions.Logging;
using Orleans.Clustering.Redis;
using Orleans.Runtime;

namespace Granary.Hosting;

/// <summary>
/// Stops a silo whose row has vanished from the membership table, as Orleans stops a silo the table declares dead.
/// Orleans never deletes an active silo's row, but Redis can lose it (FLUSHALL, a restart without its AOF, a failover
/// to an empty replica). Orleans doesn't notice: the emptied table's version went backwards, so every silo keeps its old
/// view, no row takes I-am-alive updates, a silo started afterwards founds a second cluster beside the first, and a
/// graceful stop retries its status write for minutes. Here every active silo reads its own row every
/// <see cref="CheckInterval"/> through Orleans's own table provider; missing (or the table without its version row,
/// which Orleans's Redis table reports as <see cref="RedisClusteringException"/>) <see cref="MissesBeforeStop"/> times
/// in a row, the silo hands itself to Orleans's fatal-error handler (log, then exit) and its supervisor — compose's
/// restart policy, systemd, Kubernetes — starts it again into a fresh table. A read that fails (Redis away) proves
/// nothing and resets the count.
/// </summary>
internal sealed partial class MembershipLossWatchdog(
    IMembershipTable table,
    ILocalSiloDetails silo,
    IFatalErrorHandler fatal,
    ILogger<MembershipLossWatchdog> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    internal const int MissesBeforeStop = 2;

    private readonly CancellationTokenSource _stopping = new();
    private Task _watching = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MembershipLossWatchdog), ServiceLifecycleStage.Active, OnActive, OnStopping);

    private Task OnActive(CancellationToken cancellationToken)
    {
        _watching = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopping(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _watching.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        var misses = 0;
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                misses = await MissesAfterCheckAsync(misses, stopping);
                if (misses >= MissesBeforeStop && !stopping.IsCancellationRequested)
                {
                    fatal.OnFatalException(
                        this,
                        $"The membership table no longer holds this silo ({silo.SiloAddress}): its store lost the cluster's rows. "
                        + "Stopping so the silo's supervisor starts it again into a fresh table.");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads this silo's row once: the misses in a row so far, counting this check (0 when the row is there or the read failed).</summary>
    private async Task<int> MissesAfterCheckAsync(int misses, CancellationToken stopping)
    {
        try
        {
            var row = await table.ReadRowAsync(silo.SiloAddress, stopping);
            if (row.Members.Any(member => member.Item1.SiloAddress.Equals(silo.SiloAddress)))
            {
                return 0;
            }
        }
        catch (RedisClusteringException exception) when (!stopping.IsCancellationRequested)
        {
            // Orleans's Redis table answers a table without its version row ("may have expired or been deleted") so.
            LogTableUnreadable(logger, exception);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            LogReadFailed(logger, exception);
            return 0;
        }
        LogRowMissing(logger, silo.SiloAddress, misses + 1, MissesBeforeStop);
        return misses + 1;
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Reading this silo's membership row failed; the check is repeated")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "The membership table could not be read as a table")]
    private static partial void LogTableUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Critical,
        Message = "The membership table has no row for this silo {Silo} ({Misses} of {Limit} checks): the store behind it lost its data")]
    private static partial void LogRowMissing(ILogger logger, SiloAddress silo, int misses, int limit);
}
