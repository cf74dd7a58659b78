using System.Diagnostics;
using System.Reflection;
using Granary.Engine.Bench.Cluster;
using Granary.Engine.Bench.Jobs;
using Granary.Engine.Bench.Measurement;
using Granary.Engine.Bench.Runtime;

namespace Granary.Engine.Bench;

/// <summary>
/// Runs one benchmark family (all its scenarios or one), then prints a table of figures and one <c>name: value</c>
/// line per figure. A failed scenario is reported and makes the exit code 1; the others still run.
/// </summary>
internal static class BenchCommand
{
    private const string Usage = """
        usage: Granary.Engine.Bench <family> [scenario]

          runtime [all|calls|pg|reminders]   one Orleans silo in this process
              calls      64 callers x 1,000 grains through the co-hosted grain factory (rounds, median); 1 caller
              pg         WriteStateAsync through Granary.Persistence (ADO.NET, PostgreSQL) vs a plain Npgsql UPDATE,
                         16 writers each, in a scratch database (env GRANARY_TEST_POSTGRES)
              reminders  lateness of 1,000 reminders' first tick (memory reminder service, lowered minimum period)

          cluster [all|calls|detection]      silo processes over Redis membership on loopback (env GRANARY_TEST_REDIS)
              calls      this process as silo A, a child process as silo B: calls to grains on B beside calls to A's own
              detection  this process + 2 child silos: 3 s SIGSTOP stall, SIGKILL -> Dead, hang (SIGSTOP) -> Dead,
                         3 runs with Granary's membership options; env GRANARY_BENCH_MEMBERSHIP_SETS=all (or a
                         comma-separated list of set names) measures other option sets too

          jobs [all|webhooks]                webhook jobs (env GRANARY_TEST_POSTGRES, GRANARY_TEST_REDIS, GRANARY_BENCH_SILO_DLL)
              webhooks   20,000 deliveries (after 5,000 unmeasured) through IWebhookDeliveryGrain.Start, 256 outstanding,
                         to a Kestrel receiver in this process answering 200: jobs/s, first-attempt p50/p99, errors,
                         CPU per side; on one silo (this process) and on three (+ 2 src/Silo processes)
        """;

    private static readonly Dictionary<string, (string Name, Func<Report, Task> Run)[]> Families = new()
    {
        ["runtime"] =
        [
            ("calls", CallsScenario.RunAsync),
            ("pg", PostgresScenario.RunAsync),
            ("reminders", RemindersScenario.RunAsync),
        ],
        ["cluster"] =
        [
            ("calls", ClusterCallsScenario.RunAsync),
            ("detection", DetectionScenario.RunAsync),
        ],
        ["jobs"] =
        [
            ("webhooks", WebhookJobsScenario.RunAsync),
        ],
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is 0 or > 2 || !Families.TryGetValue(args[0], out var scenarios))
        {
            await Console.Error.WriteLineAsync(args.Length == 0
                ? "Granary.Engine.Bench: no benchmark family given."
                : $"Granary.Engine.Bench: unknown benchmark family or arguments '{string.Join(' ', args)}'.");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var selected = args.Length == 1 || args[1] == "all" ? scenarios : scenarios.Where(s => s.Name == args[1]).ToArray();
        if (selected.Length == 0)
        {
            await Console.Error.WriteLineAsync($"Granary.Engine.Bench: unknown {args[0]} scenario '{args[1]}'.");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        Console.WriteLine($"Granary.Engine.Bench {args[0]}: {string.Join(", ", selected.Select(s => s.Name))} " +
            $"(Orleans {OrleansVersion()}, {Environment.ProcessorCount} cores, " +
            $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, .NET {Environment.Version}, load average {LoadAverage()})");
        var report = new Report();
        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        foreach (var (name, run) in selected)
        {
            try
            {
                await run(report);
            }
            catch (Exception ex)
            {
                failures.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
                await Console.Error.WriteLineAsync($"Granary.Engine.Bench: scenario '{name}' FAILED: {ex}");
            }
        }

        report.Print(Console.Out);
        Console.WriteLine($"bench_seconds: {total.Elapsed.TotalSeconds:0.0}");
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync($"FAILED {failure}");
        }
        Console.WriteLine($"load average at the end: {LoadAverage()} (other work on the machine skews every figure)");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The Orleans package version the bench runs on (the informational version, without the commit).</summary>
    private static string OrleansVersion() =>
        typeof(IGrainFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split([' ', '+'])[0].TrimEnd('.') ?? "?";

    /// <summary>The 1/5/15-minute load averages (Linux), to read the figures against.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
