using System.Diagnostics;
using Granary.Engine.Bench.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Engine.Bench.Cluster;

/// <summary>What one read of a silo's membership row said.</summary>
internal sealed record RowState(SiloStatus Status, int Votes);

/// <summary>
/// Reads silos' rows from the membership table through Orleans's own provider (silo A's <see cref="IMembershipTable"/>,
/// here Redis): the row every silo acts on, not A's possibly lagging view of it.
/// </summary>
internal sealed class MembershipRowReader(BenchSilo silo)
{
    private readonly IMembershipTable _table = silo.Services.GetRequiredService<IMembershipTable>();

    public async Task<RowState> ReadAsync(SiloAddress address)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var data = await _table.ReadRowAsync(address, bounded.Token).WaitAsync(bounded.Token);
        return data.TryGet(address)?.Item1 is { } entry
            ? new RowState(entry.Status, entry.SuspectTimes?.Count ?? 0)
            : throw new InvalidOperationException($"The membership table has no row for {address}.");
    }

    /// <summary>
    /// Polls <paramref name="address"/>'s row every <paramref name="interval"/> until it says Dead or
    /// <paramref name="limit"/> has passed since <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp).
    /// Returns the seconds from <paramref name="since"/> to the read that saw Dead (null if none), the seconds to the
    /// first read that saw a suspicion vote, and the most votes seen.
    /// </summary>
    public async Task<(double? DeadAfter, double? FirstVoteAfter, int MaxVotes)> WatchAsync(
        SiloAddress address, long since, TimeSpan limit, TimeSpan interval)
    {
        double? firstVote = null;
        var maxVotes = 0;
        while (Stopwatch.GetElapsedTime(since) < limit)
        {
            var row = await ReadAsync(address);
            var elapsed = Stopwatch.GetElapsedTime(since).TotalSeconds;
            maxVotes = Math.Max(maxVotes, row.Votes);
            if (row.Votes > 0)
            {
                firstVote ??= elapsed;
            }
            if (row.Status == SiloStatus.Dead)
            {
                return (elapsed, firstVote, maxVotes);
            }
            await Task.Delay(interval);
        }
        return (null, firstVote, maxVotes);
    }
}
