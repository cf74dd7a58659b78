using System.Collections.Concurrent;

namespace Granary.Bench;

/// <summary>
/// Collects reminder lateness from grains (a silo service injected into <see cref="ReminderBenchGrain"/>) and
/// signals when every expected grain has been reminded once.
/// </summary>
public sealed class LatenessCollector
{
    private readonly ConcurrentDictionary<long, double> _firstLatenessMs = new();
    private readonly TaskCompletionSource _allFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;
    private int _ticks;
    private int _retries;

    /// <summary>Every tick received, including duplicates and retries.</summary>
    public int Ticks => Volatile.Read(ref _ticks);

    /// <summary>Ticks with attempt &gt; 1.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Distinct grains reminded.</summary>
    public int Fired => _firstLatenessMs.Count;

    public Task AllFired => _allFired.Task;

    public void Expect(int count)
    {
        Volatile.Write(ref _expected, count);
        CheckDone();
    }

    public void Record(long grain, TimeSpan lateness, int attempt)
    {
        Interlocked.Increment(ref _ticks);
        if (attempt > 1)
        {
            Interlocked.Increment(ref _retries);
        }
        _firstLatenessMs.TryAdd(grain, lateness.TotalMilliseconds);
        CheckDone();
    }

    /// <summary>The lateness of each grain's first tick, in milliseconds.</summary>
    public double[] LatenessMs() => [.. _firstLatenessMs.Values];

    private void CheckDone()
    {
        if (_firstLatenessMs.Count >= Volatile.Read(ref _expected))
        {
            _allFired.TrySetResult();
        }
    }
}
