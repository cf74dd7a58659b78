using Granary.Runtime.Stats;

namespace Granary.Runtime.Tests.Runtime;

public sealed class LatencyHistogramTests
{
    [Fact]
    public async Task ValuesRecordedOnManyThreadsAtOnce_AreAllCounted_InTheirBuckets()
    {
        var histogram = new LatencyHistogram();
        const int threads = 8, perThread = 25_000;
        var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.Wait();
            for (var i = 0; i < perThread; i++)
            {
                // Half the values under 1 µs (bucket 0), half 3 µs (bucket 2: [2, 4) µs).
                histogram.Record(i % 2 == 0 ? 0.5 : 3);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        start.Set();
        await Task.WhenAll(workers);

        var snapshot = histogram.Snapshot();
        Assert.Equal(threads * perThread, snapshot.Count);
        Assert.Equal(threads * perThread, histogram.Count);
        Assert.Equal(threads * perThread / 2, snapshot.Buckets[0]);
        Assert.Equal(threads * perThread / 2, snapshot.Buckets[2]);
        Assert.Equal(threads * perThread / 2 * 3L, snapshot.SumMicroseconds);
        Assert.Equal(0, snapshot.Buckets.Sum() - snapshot.Count);
    }

    [Fact]
    public void Percentiles_AreTheUpperBoundsOfTheirBuckets()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 90; i++)
        {
            histogram.Record(100); // bucket 7: [64, 128) µs
        }
        for (var i = 0; i < 10; i++)
        {
            histogram.Record(5_000); // bucket 13: [4096, 8192) µs
        }

        var snapshot = histogram.Snapshot();
        Assert.Equal(0.128, snapshot.PercentileMilliseconds(0.5));
        Assert.Equal(8.192, snapshot.PercentileMilliseconds(0.99));
        Assert.Equal((90 * 100 + 10 * 5_000) / 100.0 / 1000.0, snapshot.MeanMilliseconds, 6);
    }
}
