using Microsoft.Extensions.Time.Testing;
using Granary.WebApi.Http.RateLimiting;

namespace Granary.WebApi.Tests.Http;

public sealed class FixedWindowLimiterTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void EachPartition_GetsItsPermitsPerWindow_ThenIsToldWhenItsWindowEnds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new FixedWindowLimiter(3, Minute, time);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire("user:a", out _));
        }
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(limiter.TryAcquire("user:a", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.True(limiter.TryAcquire("user:b", out _), "another partition has permits of its own");

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.True(limiter.TryAcquire("user:a", out _), "a new window starts once the old one has ended");
    }

    [Fact]
    public async Task ConcurrentRequestsOfOnePartition_GetExactlyThePermits()
    {
        var limiter = new FixedWindowLimiter(5_000, TimeSpan.FromHours(1), TimeProvider.System);
        var granted = 0;
        var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Factory.StartNew(() =>
        {
            start.Wait();
            for (var i = 0; i < 1_000; i++)
            {
                if (limiter.TryAcquire("user:hot", out _))
                {
                    Interlocked.Increment(ref granted);
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        start.Set();
        await Task.WhenAll(workers);

        Assert.Equal(5_000, granted);
    }

    [Fact]
    public void PartitionsIdleForAWholeWindow_AreDropped()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new FixedWindowLimiter(10, Minute, time);
        for (var i = 0; i < 100; i++)
        {
            limiter.TryAcquire($"ip:10.0.0.{i}", out _);
        }
        Assert.Equal(100, limiter.PartitionCount);

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(limiter.TryAcquire("ip:10.0.1.1", out _));

        Assert.Equal(1, limiter.PartitionCount);
    }
}
