using System.Diagnostics;
using Granary.Engine.Bench.Grains;
using Granary.Engine.Bench.Hosting;
using Granary.Engine.Bench.Measurement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace Granary.Engine.Bench.Runtime;

/// <summary>
/// Reminder lateness, as the home-made runtime's bench measured it: 1,000 grains each register one reminder whose
/// first tick is due 2–4 s ahead, and report receipt − due time of that first tick (then unregister: Orleans has no
/// one-shot reminder). Orleans's in-memory reminder service, <see cref="ReminderOptions.MinimumReminderPeriod"/>
/// lowered to 1 s (Granary lowers it where firing is the point); the period (10 s) is longer than the test so a
/// second tick never counts.
/// </summary>
internal static class RemindersScenario
{
    private const int Reminders = 1000;
    private static readonly TimeSpan FirstDue = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FireTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(Report report)
    {
        Console.WriteLine($"reminders: starting a silo (memory reminders, minimum period {MinimumPeriod.TotalSeconds:0} s), " +
            $"registering {Reminders} reminders due in {FirstDue.TotalSeconds:0}-{(FirstDue + Spread).TotalSeconds:0} s ...");
        var collector = new LatenessCollector();
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        await using var silo = await BenchSilo.StartAsync(
            s => s.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "granary-bench", clusterId: "bench-reminders")
                .UseInMemoryReminderService()
                .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = MinimumPeriod),
            services =>
            {
                services.AddSingleton(collector);
                services.TryAddSingleton(TimeProvider.System);
            });

        var grains = Enumerable.Range(0, Reminders).Select(i => silo.GrainFactory.GetGrain<IReminderBenchGrain>(i)).ToArray();
        var registering = Stopwatch.StartNew();
        await Task.WhenAll(grains.Select((grain, i) => grain.Register(FirstDue + Spread * i / (Reminders - 1), Period)));
        var registration = registering.Elapsed;
        collector.Expect(Reminders);

        if (await Task.WhenAny(collector.AllFired, Task.Delay(FireTimeout)) != collector.AllFired)
        {
            throw new TimeoutException($"reminders: only {collector.Fired} of {Reminders} reminders fired within {FireTimeout.TotalSeconds:0} s after registration.");
        }

        var lateness = collector.SortedLatenessMs();
        var notes = $"{Reminders} reminders, first tick due +{FirstDue.TotalSeconds:0}..{(FirstDue + Spread).TotalSeconds:0} s, registered in {registration.TotalMilliseconds:0} ms; memory table";
        report.Add("reminders (memory): lateness p50", "reminder_lateness_p50_ms", Percentiles.Of(lateness, 0.50), "ms", notes);
        report.Add("reminders (memory): lateness p99", "reminder_lateness_p99_ms", Percentiles.Of(lateness, 0.99), "ms", "target < 1,000");
        report.Add("reminders (memory): lateness max", "reminder_lateness_max_ms", lateness[^1], "ms");
        report.Add("reminders (memory): fired", "reminders_fired", collector.Fired, "grains", $"{collector.Ticks} ticks received");
    }
}
