using System.Diagnostics;
using System.Globalization;

namespace Granary.Engine.Bench.Measurement;

/// <summary>
/// Where the CPU went over a measured run: the bench process, the silo processes it started, and the whole machine
/// (Linux <c>/proc/stat</c>: busy = all but idle and iowait), whose remainder is everything else on it. PostgreSQL and
/// Redis are counted apart (every process whose name starts with <c>postgres</c> or <c>redis-server</c>, so also
/// their work for others sharing the machine).
/// </summary>
internal sealed class ProcessorUse
{
    /// <summary>USER_HZ: the unit of /proc CPU times, 100 on every Linux architecture .NET runs on.</summary>
    private const double JiffiesPerSecond = 100;

    private readonly Func<TimeSpan> _silosCpu;
    private readonly long _started;
    private readonly TimeSpan _benchStart;
    private readonly TimeSpan _silosStart;
    private readonly (long Busy, long Total)? _machineStart;
    private readonly Dictionary<int, long> _postgresStart;
    private readonly Dictionary<int, long> _redisStart;
    private readonly long _jittedStart;
    private readonly TimeSpan _jitTimeStart;

    private ProcessorUse(Func<TimeSpan> silosCpu)
    {
        _silosCpu = silosCpu;
        _started = Stopwatch.GetTimestamp();
        _benchStart = Process.GetCurrentProcess().TotalProcessorTime;
        _silosStart = silosCpu();
        _machineStart = MachineJiffies();
        _postgresStart = ProcessJiffies("postgres");
        _redisStart = ProcessJiffies("redis-server");
        _jittedStart = System.Runtime.JitInfo.GetCompiledMethodCount();
        _jitTimeStart = System.Runtime.JitInfo.GetCompilationTime();
    }

    /// <summary>Starts counting; <paramref name="silosCpu"/> reads the CPU time the silo processes used so far (zero when none).</summary>
    public static ProcessorUse Start(Func<TimeSpan> silosCpu) => new(silosCpu);

    /// <summary>CPU seconds per wall second (1.0 = one core busy) of each side since <see cref="Start"/>.</summary>
    public CpuShares Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var bench = (Process.GetCurrentProcess().TotalProcessorTime - _benchStart).TotalSeconds / wall;
        var silos = (_silosCpu() - _silosStart).TotalSeconds / wall;
        var machine = double.NaN;
        if (_machineStart is { } start && MachineJiffies() is { } end && end.Total > start.Total)
        {
            machine = (double)(end.Busy - start.Busy) / (end.Total - start.Total) * Environment.ProcessorCount;
        }
        var postgres = Delta(_postgresStart, ProcessJiffies("postgres")) / JiffiesPerSecond / wall;
        var redis = Delta(_redisStart, ProcessJiffies("redis-server")) / JiffiesPerSecond / wall;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - _jittedStart;
        var jitTime = System.Runtime.JitInfo.GetCompilationTime() - _jitTimeStart;
        return new CpuShares(bench, silos, postgres, redis, machine, Environment.ProcessorCount, jitted, jitTime);
    }

    /// <summary>utime + stime per process whose name starts with <paramref name="name"/> (empty where /proc is missing).</summary>
    private static Dictionary<int, long> ProcessJiffies(string name)
    {
        var jiffies = new Dictionary<int, long>();
        if (!Directory.Exists("/proc"))
        {
            return jiffies;
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // pid (comm) state ppid ...: comm may hold spaces, so fields are counted after its closing parenthesis.
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open || !stat.AsSpan(open + 1, close - open - 1).StartsWith(name, StringComparison.Ordinal))
                {
                    continue;
                }
                var fields = stat[(close + 2)..].Split(' ');
                // Fields 14 and 15 of the line (utime, stime) are 11 and 12 after the state field at index 0.
                jiffies[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile, or is not ours to read.
            }
        }
        return jiffies;
    }

    /// <summary>Jiffies used during the run by processes alive at its end (one born during the run counts from 0).</summary>
    private static double Delta(Dictionary<int, long> start, Dictionary<int, long> end) =>
        end.Sum(e => e.Value - start.GetValueOrDefault(e.Key));

    /// <summary>Busy and total jiffies of all cores from the first line of /proc/stat; null where it is missing.</summary>
    private static (long Busy, long Total)? MachineJiffies()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal [guest guest_nice: already counted in user and nice]
        var values = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = values.Sum();
        return (total - values[3] - values[4], total);
    }
}

/// <summary>Cores used on average by each side (1.0 = one core busy the whole run), and the bench process's JIT work meanwhile.</summary>
/// <param name="Jitted">Methods the bench process compiled during the run (tier-ups included).</param>
/// <param name="JitTime">Time the bench process spent compiling them.</param>
internal sealed record CpuShares(double Bench, double Silos, double Postgres, double Redis, double Machine, int Cores, long Jitted, TimeSpan JitTime)
{
    /// <summary>Cores used by the bench, its silo processes, PostgreSQL and Redis.</summary>
    public double Ours => Bench + Silos + Postgres + Redis;

    /// <summary>The machine's busy cores used by none of the above: other work, the kernel's share of loopback traffic.</summary>
    public double Rest => Math.Max(0, Machine - Ours);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"cores busy of {Cores}: machine {Machine:0.00} = bench process {Bench:0.00}") +
        (Silos > 0 ? string.Create(CultureInfo.InvariantCulture, $" + silo processes {Silos:0.00}") : "") +
        string.Create(CultureInfo.InvariantCulture,
            $" + postgres {Postgres:0.00} + redis {Redis:0.00} + rest {Rest:0.00}; bench JIT meanwhile: {Jitted:N0} methods in {JitTime.TotalMilliseconds:N0} ms");
}
