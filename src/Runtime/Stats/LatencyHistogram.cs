namespace Granary.Runtime.Stats;

/// <summary>
/// A lock-free histogram with power-of-two buckets in microseconds (bucket i counts values in [2^(i-1), 2^i) µs;
/// bucket 0 counts values under 1 µs). Percentiles are read as the upper bound of the bucket that holds them,
/// so they are accurate to a factor of two, which is what a dashboard needs; benchmarks measure exactly.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Bucket count: the last bucket holds everything from 2^38 µs (about 3 days) up.</summary>
    public const int BucketCount = 40;

    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private long _sumMicros;

    /// <summary>Adds one value.</summary>
    public void Record(double microseconds)
    {
        var micros = microseconds <= 0 ? 0 : (long)microseconds;
        var index = micros == 0 ? 0 : Math.Min(BucketCount - 1, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)micros));
        Interlocked.Increment(ref _buckets[index]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, micros);
    }

    /// <summary>A consistent-enough copy for reporting.</summary>
    public LatencySnapshot Snapshot()
    {
        var buckets = new long[BucketCount];
        for (var i = 0; i < BucketCount; i++)
        {
            buckets[i] = Volatile.Read(ref _buckets[i]);
        }
        return new LatencySnapshot(Volatile.Read(ref _count), Volatile.Read(ref _sumMicros), buckets);
    }
}

/// <summary>A copy of a <see cref="LatencyHistogram"/>.</summary>
/// <param name="Count">Values recorded.</param>
/// <param name="SumMicroseconds">Their sum.</param>
/// <param name="Buckets">Counts per power-of-two bucket.</param>
public sealed record LatencySnapshot(long Count, long SumMicroseconds, IReadOnlyList<long> Buckets)
{
    /// <summary>Mean in milliseconds (0 when empty).</summary>
    public double MeanMilliseconds => Count == 0 ? 0 : SumMicroseconds / 1000.0 / Count;

    /// <summary>The upper bound, in milliseconds, of the bucket holding the <paramref name="quantile"/> (0..1).</summary>
    public double PercentileMilliseconds(double quantile)
    {
        var total = Buckets.Sum();
        if (total == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < Buckets.Count; i++)
        {
            seen += Buckets[i];
            if (seen >= rank)
            {
                return (i == 0 ? 1 : Math.Pow(2, i)) / 1000.0;
            }
        }
        return Math.Pow(2, Buckets.Count) / 1000.0;
    }
}
