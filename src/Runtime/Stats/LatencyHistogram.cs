namespace Granary.Runtime.Stats;

/// <summary>
/// A lock-free histogram with power-of-two buckets in microseconds (bucket i counts values in [2^(i-1), 2^i) µs;
/// bucket 0 counts values under 1 µs). Percentiles are read as the upper bound of the bucket that holds them,
/// so they are accurate to a factor of two, which is what a dashboard needs; benchmarks measure exactly.
/// </summary>
/// <remarks>
/// Every grain call records into the histogram of its method, from whatever core it ran on. One shared set of
/// counters would bounce its cache lines between cores on every call, so the counters are striped: one stripe per
/// processor (up to 16), each padded onto cache lines of its own, chosen by the current processor; a snapshot sums
/// the stripes.
/// </remarks>
public sealed class LatencyHistogram
{
    /// <summary>Bucket count: the last bucket holds everything from 2^38 µs (about 3 days) up.</summary>
    public const int BucketCount = 40;

    // Stripe layout: Padding longs, the buckets, the count, the sum, Padding longs (64 bytes each side).
    private const int Padding = 8;
    private const int CountIndex = Padding + BucketCount;
    private const int SumIndex = CountIndex + 1;
    private const int StripeLength = SumIndex + 1 + Padding;
    private const int MaxStripes = 16;

    private static readonly int StripeMask = (int)Math.Min(MaxStripes, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount)) - 1;

    private readonly long[][] _stripes = CreateStripes();

    /// <summary>Values recorded so far.</summary>
    public long Count
    {
        get
        {
            long count = 0;
            foreach (var stripe in _stripes)
            {
                count += Volatile.Read(ref stripe[CountIndex]);
            }
            return count;
        }
    }

    /// <summary>Adds one value.</summary>
    public void Record(double microseconds)
    {
        var micros = microseconds <= 0 ? 0 : (long)microseconds;
        var index = micros == 0 ? 0 : Math.Min(BucketCount - 1, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)micros));
        var stripe = _stripes[Thread.GetCurrentProcessorId() & StripeMask];
        Interlocked.Increment(ref stripe[Padding + index]);
        Interlocked.Increment(ref stripe[CountIndex]);
        Interlocked.Add(ref stripe[SumIndex], micros);
    }

    /// <summary>A consistent-enough copy for reporting.</summary>
    public LatencySnapshot Snapshot()
    {
        var buckets = new long[BucketCount];
        long count = 0, sum = 0;
        foreach (var stripe in _stripes)
        {
            for (var i = 0; i < BucketCount; i++)
            {
                buckets[i] += Volatile.Read(ref stripe[Padding + i]);
            }
            count += Volatile.Read(ref stripe[CountIndex]);
            sum += Volatile.Read(ref stripe[SumIndex]);
        }
        return new LatencySnapshot(count, sum, buckets);
    }

    private static long[][] CreateStripes()
    {
        var stripes = new long[StripeMask + 1][];
        for (var i = 0; i < stripes.Length; i++)
        {
            stripes[i] = new long[StripeLength];
        }
        return stripes;
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
