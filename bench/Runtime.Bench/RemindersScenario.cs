using System.Diagnostics;
using Granary.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Bench;

/// <summary>
/// Reminder lateness: 1,000 grains each register one one-shot reminder due 2–4 s ahead (default reminder options);
/// each tick reports now − due time to a collector service. Memory reminder table, then SQLite in a temp file.
/// </summary>
public static class RemindersScenario
{
    private const int Reminders = 1000;
    private static readonly TimeSpan FirstDue = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FireTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(Report report)
    {
        await RunOnceAsync(report, "memory", TestReminders.Memory, prefix: "");

        var path = Path.Combine(Path.GetTempPath(), $"granary-bench-reminders-{Guid.NewGuid():N}.db");
        try
        {
            await RunOnceAsync(report, "sqlite", TestReminders.Sqlite(path), prefix: "sqlite_");
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task RunOnceAsync(Report report, string table, TestReminders reminders, string prefix)
    {
        Console.WriteLine($"reminders ({table}): starting a silo, registering {Reminders} one-shot reminders due in {FirstDue.TotalSeconds:0}-{(FirstDue + Spread).TotalSeconds:0} s ...");
        var collector = new LatenessCollector();
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            Reminders = reminders,
            ConfigureServices = services => services.AddSingleton(collector),
        });

        var grains = Enumerable.Range(0, Reminders).Select(i => cluster.GrainFactory.GetGrain<IReminderBenchGrain>(i)).ToArray();
        var registering = Stopwatch.StartNew();
        await Task.WhenAll(grains.Select((grain, i) => grain.Register(FirstDue + Spread * i / (Reminders - 1))));
        var registration = registering.Elapsed;
        collector.Expect(Reminders);

        if (await Task.WhenAny(collector.AllFired, Task.Delay(FireTimeout)) != collector.AllFired)
        {
            throw new TimeoutException(
                $"reminders ({table}): only {collector.Fired} of {Reminders} reminders fired within {FireTimeout.TotalSeconds:0} s after registration.");
        }

        var lateness = collector.LatenessMs();
        Array.Sort(lateness);
        var notes = $"{Reminders} one-shot, due +{FirstDue.TotalSeconds:0}..{(FirstDue + Spread).TotalSeconds:0} s, registered in {registration.TotalMilliseconds:0} ms";
        report.Add($"reminders ({table}): lateness p50", $"reminder_{prefix}lateness_p50_ms", Percentiles.Of(lateness, 0.50), "ms", notes);
        report.Add($"reminders ({table}): lateness p99", $"reminder_{prefix}lateness_p99_ms", Percentiles.Of(lateness, 0.99), "ms", "target < 1,000");
        report.Add($"reminders ({table}): lateness max", $"reminder_{prefix}lateness_max_ms", lateness[^1], "ms");
        report.Add($"reminders ({table}): fired", $"reminders_{prefix}fired", collector.Fired, "ticks",
            $"{collector.Ticks} ticks received, {collector.Retries} retries");
    }
}
