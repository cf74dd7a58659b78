using System.Diagnostics;
using System.Numerics;

namespace Granary.Engine.Bench.Measurement;

/// <summary>
/// One caller's latencies as a log-linear histogram of <see cref="Stopwatch"/> ticks: 64 buckets per power of two, so
/// a percentile is within 1.6% of the truth, memory is fixed (30 KB) however many calls a caller makes, and recording
/// neither locks nor allocates. Fixed memory matters here: Orleans serves outside callers unevenly (a few callers
/// make most of the calls while others wait), so no per-caller count bound holds.
/// </summary>
internal sealed class LatencyLog
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    internal const int BucketCount = (64 - SubBucketBits) * SubBuckets;
    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public double SumTicks { get; private set; }

    public long MaxTicks { get; private set; }

    internal ReadOnlySpan<long> Counts => _counts;

    public void Record(long ticks)
    {
        ticks = Math.Max(0, ticks);
        _counts[IndexOf(ticks)]++;
        Count++;
        SumTicks += ticks;
        MaxTicks = Math.Max(MaxTicks, ticks);
    }

    /// <summary>Values below 64 have a bucket each; above, 64 buckets split each power of two.</summary>
    internal static int IndexOf(long ticks)
    {
        if (ticks < SubBuckets)
        {
            return (int)ticks;
        }
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)ticks);
        var sub = (int)(ticks >> (exponent - SubBucketBits)) & (SubBuckets - 1);
        return ((exponent - SubBucketBits + 1) * SubBuckets) + sub;
    }

    /// <summary>The middle of bucket <paramref name="index"/>, in ticks.</summary>
    internal static double MiddleOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }
        var exponent = (index / SubBuckets) + SubBucketBits - 1;
        var width = 1L << (exponent - SubBucketBits);
        var lower = (long)(SubBuckets + (index % SubBuckets)) << (exponent - SubBucketBits);
        return lower + (width / 2.0);
    }
}

/// <summary>Latency statistics over merged <see cref="LatencyLog"/>s (mean and max exact, percentiles within 1.6%).</summary>
internal sealed class LatencySummary
{
    private readonly long[] _counts = new long[LatencyLog.BucketCount];
    private double _sumTicks;
    private long _maxTicks;

    public static LatencySummary Of(IEnumerable<LatencyLog> logs)
    {
        var summary = new LatencySummary();
        foreach (var log in logs)
        {
            summary.Add(log.Counts, log.Count, log.SumTicks, log.MaxTicks);
        }
        return summary;
    }

    /// <summary>All latencies of several summaries together (one side of a comparison run in several rounds).</summary>
    public static LatencySummary Merge(IEnumerable<LatencySummary> parts)
    {
        var summary = new LatencySummary();
        foreach (var part in parts)
        {
            summary.Add(part._counts, part.Count, part._sumTicks, part._maxTicks);
        }
        return summary;
    }

    public long Count { get; private set; }

    public double MeanMicroseconds => Count == 0 ? 0 : ToMicroseconds(_sumTicks / Count);

    public double MaxMicroseconds => ToMicroseconds(_maxTicks);

    /// <summary>The nearest-rank percentile (<paramref name="quantile"/> in 0..1), in microseconds.</summary>
    public double PercentileMicroseconds(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = Math.Clamp((long)Math.Ceiling(quantile * Count), 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return ToMicroseconds(Math.Min(LatencyLog.MiddleOf(i), _maxTicks));
            }
        }
        return MaxMicroseconds;
    }

    private void Add(ReadOnlySpan<long> counts, long count, double sumTicks, long maxTicks)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            _counts[i] += counts[i];
        }
        Count += count;
        _sumTicks += sumTicks;
        _maxTicks = Math.Max(_maxTicks, maxTicks);
    }

    private static double ToMicroseconds(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

/// <summary>Percentiles and medians of plain values (reminder lateness in ms, figures of several rounds or runs).</summary>
internal static class Percentiles
{
    /// <summary>The median of <paramref name="values"/> (the mean of the middle two when their count is even); NaN when empty.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The nearest-rank percentile of <paramref name="sorted"/>; NaN when empty.</summary>
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
