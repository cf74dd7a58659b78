using System.Diagnostics;

namespace Granary.Bench;

/// <summary>
/// CPU time and context switches of the bench process (silo A) and the silo process (silo B) over a run, divided by
/// the calls made: where the time of a remote call goes, per side. Includes warm-up and the last calls after the
/// window, so callers count every call they make (<see cref="Add"/>), not only the recorded ones. Context switches
/// (Linux, summed over the threads alive at both ends) count the thread wake-ups a call costs: each hop between
/// threads (thread pool, socket loops) that finds its thread asleep is one.
/// </summary>
public sealed class CpuMeter
{
    private readonly SiloProcess _other;
    private readonly TimeSpan _selfStart;
    private readonly TimeSpan _otherStart;
    private readonly Dictionary<string, long> _selfSwitches;
    private readonly Dictionary<string, long> _otherSwitches;
    private long _calls;

    private CpuMeter(SiloProcess other)
    {
        _other = other;
        _selfStart = Process.GetCurrentProcess().TotalProcessorTime;
        _otherStart = other.CpuTime;
        _selfSwitches = ContextSwitches(Environment.ProcessId);
        _otherSwitches = ContextSwitches(other.Id);
    }

    public static CpuMeter Start(SiloProcess other) => new(other);

    /// <summary>A caller's total when it stops.</summary>
    public void Add(long calls) => Interlocked.Add(ref _calls, calls);

    /// <summary>CPU µs and context switches per call in this process (A) and in the other one (B).</summary>
    public CpuUse Stop()
    {
        var self = Process.GetCurrentProcess().TotalProcessorTime - _selfStart;
        var other = _other.CpuTime - _otherStart;
        var calls = (double)Math.Max(1, Interlocked.Read(ref _calls));
        return new CpuUse(
            self.TotalMicroseconds / calls,
            other.TotalMicroseconds / calls,
            Delta(_selfSwitches, ContextSwitches(Environment.ProcessId)) / calls,
            Delta(_otherSwitches, ContextSwitches(_other.Id)) / calls);
    }

    /// <summary>Per thread id: voluntary + involuntary context switches so far (empty where /proc is missing).</summary>
    private static Dictionary<string, long> ContextSwitches(int pid)
    {
        var switches = new Dictionary<string, long>();
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return switches;
        }
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                long total = 0;
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                        line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
                switches[Path.GetFileName(task)] = total;
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return switches;
    }

    /// <summary>Switches made during the run by threads alive at its end (a thread born during the run counts from 0).</summary>
    private static long Delta(Dictionary<string, long> start, Dictionary<string, long> end) =>
        end.Sum(e => e.Value - start.GetValueOrDefault(e.Key));
}

/// <summary>What a run cost per call: CPU µs and context switches on each side.</summary>
public sealed record CpuUse(double CpuA, double CpuB, double SwitchesA, double SwitchesB)
{
    public override string ToString() =>
        $"per call: CPU A {CpuA:0.0} µs + B {CpuB:0.0} µs, context switches A {SwitchesA:0.0} + B {SwitchesB:0.0}";
}
