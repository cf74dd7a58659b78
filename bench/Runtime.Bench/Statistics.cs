using System.Diagnostics;

namespace Granary.Bench;

/// <summary>One caller's latencies, in <see cref="Stopwatch"/> ticks, in a preallocated array: recording neither locks nor allocates.</summary>
public sealed class LatencyLog(int capacity)
{
    private readonly long[] _ticks = new long[capacity];

    public int Count { get; private set; }

    /// <summary>Records one latency; false when the log is full.</summary>
    public bool TryRecord(long ticks)
    {
        if (Count == _ticks.Length)
        {
            return false;
        }
        _ticks[Count++] = ticks;
        return true;
    }

    public ReadOnlySpan<long> Recorded => _ticks.AsSpan(0, Count);
}

/// <summary>Exact latency statistics over merged <see cref="LatencyLog"/>s.</summary>
public sealed class LatencySummary
{
    private readonly long[] _sorted;

    private LatencySummary(long[] sorted) => _sorted = sorted;

    public static LatencySummary Of(IEnumerable<LatencyLog> logs)
    {
        var all = logs.ToList();
        var merged = new long[all.Sum(l => l.Count)];
        var at = 0;
        foreach (var log in all)
        {
            log.Recorded.CopyTo(merged.AsSpan(at));
            at += log.Count;
        }
        Array.Sort(merged);
        return new LatencySummary(merged);
    }

    /// <summary>All latencies of several summaries together (runs of one side done in several rounds).</summary>
    public static LatencySummary Merge(params LatencySummary[] parts)
    {
        var merged = parts.SelectMany(p => p._sorted).ToArray();
        Array.Sort(merged);
        return new LatencySummary(merged);
    }

    public long Count => _sorted.Length;

    public double MeanMicroseconds => Count == 0 ? 0 : ToMicroseconds(_sorted.Average(t => (double)t));

    /// <summary>The nearest-rank percentile (<paramref name="quantile"/> in 0..1), in microseconds.</summary>
    public double PercentileMicroseconds(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(quantile * Count);
        var index = Math.Clamp(rank - 1, 0, Count - 1);
        return ToMicroseconds(_sorted[index]);
    }

    public double MaxMicroseconds => Count == 0 ? 0 : ToMicroseconds(_sorted[^1]);

    private static double ToMicroseconds(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

/// <summary>Percentiles of plain values (reminder lateness in ms).</summary>
public static class Percentiles
{
    public static double Of(double[] sorted, double quantile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (long)Math.Ceiling(quantile * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
