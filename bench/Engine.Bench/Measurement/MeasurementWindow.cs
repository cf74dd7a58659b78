using System.Diagnostics;
using System.Globalization;

namespace Granary.Engine.Bench.Measurement;

/// <summary>
/// Phases shared by a benchmark's callers: warm-up, a measured window of fixed length, then stop. Callers poll the
/// phase between calls, so stopping never interrupts a call and concurrency stays constant while measuring.
/// </summary>
internal sealed class MeasurementWindow
{
    private const int WarmingUp = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    private volatile int _phase = WarmingUp;
    private long _start;
    private long _end;
    private long _allocatedAtStart;
    private long _allocatedAtEnd;

    /// <summary>True until the window ends: callers loop while this holds.</summary>
    public bool IsRunning => _phase != Stopped;

    /// <summary>Wall time of the measured window.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start, _end);

    /// <summary>Bytes the whole process allocated during the window.</summary>
    public long AllocatedBytes => _allocatedAtEnd - _allocatedAtStart;

    /// <summary>Records a latency a caller measured, if the window is open.</summary>
    public void Record(LatencyLog log, long ticks)
    {
        if (_phase == Measuring)
        {
            log.Record(ticks);
        }
    }

    /// <summary>Runs warm-up and the measured window; returns when the window has ended (callers then finish their last call).</summary>
    public async Task RunAsync(TimeSpan warmUp, TimeSpan length)
    {
        if (warmUp > TimeSpan.Zero)
        {
            await Task.Delay(warmUp);
        }
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: false);
        _start = Stopwatch.GetTimestamp();
        _phase = Measuring;
        await Task.Delay(length);
        _end = Stopwatch.GetTimestamp();
        _phase = Stopped;
        _allocatedAtEnd = GC.GetTotalAllocatedBytes(precise: false);
    }
}

/// <summary>
/// What a closed-loop run produced: calls completed in the window, their latencies, and how evenly the callers were
/// served (the fewest and the most calls one caller completed).
/// </summary>
internal sealed record RunResult(long Calls, TimeSpan Elapsed, LatencySummary Latency, long AllocatedBytes, long FewestByOneCaller, long MostByOneCaller)
{
    public double PerSecond => Calls / Elapsed.TotalSeconds;

    /// <summary>Bytes allocated by the whole process per completed call while measuring.</summary>
    public double AllocatedBytesPerCall => Calls == 0 ? 0 : (double)AllocatedBytes / Calls;

    public string Describe(int callers, string what = "calls", string who = "caller") => string.Create(CultureInfo.InvariantCulture,
        $"{Calls:N0} {what} in {Elapsed.TotalSeconds:0.00} s by {callers} {who}{(callers == 1 ? "" : "s")}");
}

/// <summary>Runs closed-loop callers (each awaits its calls one after another) against a <see cref="MeasurementWindow"/>.</summary>
internal static class ClosedLoop
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts <paramref name="callers"/> loops with <see cref="Task.Run(Func{Task})"/>; <paramref name="loop"/> must call
    /// until <see cref="MeasurementWindow.IsRunning"/> is false and record through <see cref="MeasurementWindow.Record"/>.
    /// </summary>
    public static async Task<RunResult> RunAsync(
        int callers, TimeSpan warmUp, TimeSpan length, Func<int, MeasurementWindow, LatencyLog, Task> loop)
    {
        var window = new MeasurementWindow();
        var logs = Enumerable.Range(0, callers).Select(_ => new LatencyLog()).ToArray();
        var tasks = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            var caller = c;
            tasks[c] = Task.Run(() => loop(caller, window, logs[caller]));
        }
        await window.RunAsync(warmUp, length);
        var finished = Task.WhenAll(tasks);
        if (await Task.WhenAny(finished, Task.Delay(DrainTimeout)) != finished)
        {
            throw new TimeoutException($"Callers did not finish their last call within {DrainTimeout.TotalSeconds:0} s after the window ended.");
        }
        await finished;
        return new RunResult(
            logs.Sum(l => l.Count), window.Elapsed, LatencySummary.Of(logs), window.AllocatedBytes, logs.Min(l => l.Count), logs.Max(l => l.Count));
    }
}
