using Granary.Bench;

// Granary benchmarks. Usage: Granary.Bench <family> [scenario]
//   runtime [all|calls|pg|reminders]   in-process silo: grain calls, PostgreSQL state writes, reminder lateness
//   cluster [all|calls|detection]      two silos over Redis membership: remote vs local calls, dead-silo detection
//   jobs [all|webhooks]                webhook deliveries enqueue to completion on one silo and on three
// Prints progress, then a table of figures and one "name: value" line per figure.

const string Usage = """
    usage: Granary.Bench <family> [scenario]

      runtime [all|calls|pg|reminders]
          all        every scenario below (default)
          calls      local grain calls (memory storage): 1x1, 64x1, 64x1000, 1x1000
          pg         grain state writes vs plain Npgsql on PostgreSQL (env GRANARY_TEST_POSTGRES)
          reminders  lateness of 1,000 one-shot reminders (memory and SQLite reminder tables)

      cluster [all|calls|detection]   (env GRANARY_TEST_REDIS, GRANARY_BENCH_SILO_DLL)
          all        every scenario below (default)
          calls      this process as silo A, a Granary.Silo process as silo B: remote and local calls, transport ping
          detection  two Granary.Silo processes, default timings: SIGKILL one, time until its row is Dead

      jobs [all|webhooks]   (env GRANARY_TEST_POSTGRES, GRANARY_TEST_REDIS, GRANARY_BENCH_SILO_DLL)
          all        every scenario below (default)
          webhooks   20,000 webhook deliveries to a local 200 receiver: jobs/s and first-attempt latency, 1 silo then 3
    """;

var families = new Dictionary<string, (string Name, Func<Report, Task> Run)[]>
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
        ("detection", DeadDetectionScenario.RunAsync),
    ],
    ["jobs"] =
    [
        ("webhooks", WebhookJobsScenario.RunAsync),
    ],
};

if (args.Length == 0 || args.Length > 2 || !families.TryGetValue(args[0], out var scenarios))
{
    Console.Error.WriteLine(args.Length == 0
        ? "Granary.Bench: no benchmark family given."
        : $"Granary.Bench: unknown benchmark family or arguments '{string.Join(' ', args)}'.");
    Console.Error.WriteLine(Usage);
    return 2;
}

var selected = args.Length == 1 || args[1] == "all" ? scenarios : scenarios.Where(s => s.Name == args[1]).ToArray();
if (selected.Length == 0)
{
    Console.Error.WriteLine($"Granary.Bench: unknown {args[0]} scenario '{args[1]}'.");
    Console.Error.WriteLine(Usage);
    return 2;
}

Console.WriteLine($"Granary.Bench {args[0]}: {string.Join(", ", selected.Select(s => s.Name))} " +
    $"({Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, .NET {Environment.Version}, load average {LoadAverage()})");
var report = new Report();
var failures = new List<string>();
var total = System.Diagnostics.Stopwatch.StartNew();
foreach (var (name, run) in selected)
{
    try
    {
        await run(report);
    }
    catch (Exception ex)
    {
        failures.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
        Console.Error.WriteLine($"Granary.Bench: scenario '{name}' FAILED: {ex}");
    }
}

report.Print(Console.Out);
Console.WriteLine($"bench_seconds: {total.Elapsed.TotalSeconds:0.0}");
foreach (var failure in failures)
{
    Console.Error.WriteLine($"FAILED {failure}");
}
Console.WriteLine($"load average at the end: {LoadAverage()} (other work on the machine skews every figure)");
return failures.Count == 0 ? 0 : 1;

// The 1/5/15-minute load averages (Linux), to read the figures against.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
