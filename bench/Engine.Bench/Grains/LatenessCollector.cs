using System.Collections.Concurrent;

namespace Granary.Engine.Bench.Grains;

/// <summary>
/// Collects reminder lateness from grains (a silo singleton injected into <see cref="ReminderBenchGrain"/>) and
/// signals when every expected grain has been reminded once.
/// </summary>
internal sealed class LatenessCollector
{
    private readonly ConcurrentDictionary<long, double> _firstLatenessMs = new();
    private readonly TaskCompletionSource _allFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;
    private int _ticks;

    /// <summary>Every tick received, including a second tick of a grain that had not unregistered yet.</summary>
    public int Ticks => Volatile.Read(ref _ticks);

    /// <summary>Distinct grains reminded.</summary>
    public int Fired => _firstLatenessMs.Count;

    public Task AllFired => _allFired.Task;

    public void Expect(int count)
    {
        Volatile.Write(ref _expected, count);
        CheckDone();
    }

    public void Record(long grain, TimeSpan lateness)
    {
        Interlocked.Increment(ref _ticks);
        _firstLatenessMs.TryAdd(grain, lateness.TotalMilliseconds);
        CheckDone();
    }

    /// <summary>The lateness of each grain's first tick, in milliseconds, sorted.</summary>
    public double[] SortedLatenessMs()
    {
        var values = _firstLatenessMs.Values.ToArray();
        Array.Sort(values);
        return values;
    }

    private void CheckDone()
    {
        if (_firstLatenessMs.Count >= Volatile.Read(ref _expected))
        {
            _allFired.TrySetResult();
        }
    }
}
