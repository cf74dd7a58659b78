using System.Diagnostics;

namespace Granary.Bench;

/// <summary>
/// Phases shared by a benchmark's callers: warm-up, then a measured window that ends after a time limit or as soon
/// as one caller's <see cref="LatencyLog"/> is full (whichever comes first), then stop. Callers poll the phase
/// between calls, so stopping never interrupts a call and concurrency stays constant while measuring.
/// </summary>
public sealed class MeasurementWindow
{
    private const int WarmingUp = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _phase = WarmingUp;
    private long _start;
    private long _end;
    private long _allocatedAtStart;
    private long _allocatedAtEnd;
    private int _gen0AtStart;
    private int _gen0AtEnd;

    /// <summary>True until the window ends: callers loop while this holds.</summary>
    public bool IsRunning => _phase != Stopped;

    /// <summary>True while calls that complete are to be recorded.</summary>
    public bool IsMeasuring => _phase == Measuring;

    /// <summary>Wall time of the measured window.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start, _end);

    /// <summary>Bytes the whole process allocated during the window.</summary>
    public long AllocatedBytes => _allocatedAtEnd - _allocatedAtStart;

    /// <summary>Gen-0 collections during the window.</summary>
    public int Gen0Collections => _gen0AtEnd - _gen0AtStart;

    /// <summary>True when the window ended because a caller's log filled up before the time limit.</summary>
    public bool EndedByCount { get; private set; }

    /// <summary>Records a latency measured by one caller; ends the window when that caller's log is full.</summary>
    public void Record(LatencyLog log, long ticks)
    {
        if (_phase == Measuring && !log.TryRecord(ticks))
        {
            Stop(byCount: true);
        }
    }

    /// <summary>Runs warm-up and the measured window; returns when the window has ended (callers then finish their last call).</summary>
    public async Task RunAsync(TimeSpan warmUp, TimeSpan limit)
    {
        if (warmUp > TimeSpan.Zero)
        {
            await Task.Delay(warmUp);
        }
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: false);
        _gen0AtStart = GC.CollectionCount(0);
        _start = Stopwatch.GetTimestamp();
        _phase = Measuring;
        await Task.WhenAny(_full.Task, Task.Delay(limit));
        Stop(byCount: false);
    }

    private void Stop(bool byCount)
    {
        lock (_full)
        {
            if (_phase == Stopped)
            {
                return;
            }
            _end = Stopwatch.GetTimestamp();
            _phase = Stopped;
            _allocatedAtEnd = GC.GetTotalAllocatedBytes(precise: false);
            _gen0AtEnd = GC.CollectionCount(0);
            EndedByCount = byCount;
        }
        _full.TrySetResult();
    }
}

/// <summary>What a closed-loop run produced: calls completed in the window and their latencies.</summary>
public sealed record RunResult(long Calls, TimeSpan Elapsed, LatencySummary Latency, bool EndedByCount, long AllocatedBytes = 0, int Gen0Collections = 0)
{
    public double PerSecond => Calls / Elapsed.TotalSeconds;

    /// <summary>Bytes allocated by the whole process per completed call while measuring.</summary>
    public double AllocatedBytesPerCall => Calls == 0 ? 0 : (double)AllocatedBytes / Calls;

    public string Describe(int callers, string what = "calls", string who = "caller") =>
        $"{Calls:N0} {what} in {Elapsed.TotalSeconds:0.00} s by {callers} {who}{(callers == 1 ? "" : "s")}{(EndedByCount ? ", count-bounded" : "")}";
}

/// <summary>Runs closed-loop callers (each awaits its calls one after another) against a <see cref="MeasurementWindow"/>.</summary>
public static class ClosedLoop
{
    /// <summary>
    /// Starts <paramref name="callers"/> loops with <see cref="Task.Run(Func{Task})"/>; <paramref name="loop"/> must call
    /// until <see cref="MeasurementWindow.IsRunning"/> is false and record through <see cref="MeasurementWindow.Record"/>.
    /// </summary>
    public static async Task<RunResult> RunAsync(
        int callers, int maxCalls, TimeSpan warmUp, TimeSpan limit, Func<int, MeasurementWindow, LatencyLog, Task> loop)
    {
        var window = new MeasurementWindow();
        var logs = Enumerable.Range(0, callers).Select(_ => new LatencyLog(Math.Max(1, maxCalls / callers))).ToArray();
        var tasks = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            var caller = c;
            tasks[c] = Task.Run(() => loop(caller, window, logs[caller]));
        }
        await window.RunAsync(warmUp, limit);
        var finished = Task.WhenAll(tasks);
        if (await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(30))) != finished)
        {
            throw new TimeoutException("Callers did not finish their last call within 30 s after the window ended.");
        }
        await finished;
        return new RunResult(
            logs.Sum(l => (long)l.Count), window.Elapsed, LatencySummary.Of(logs), window.EndedByCount, window.AllocatedBytes, window.Gen0Collections);
    }
}
