using System.Diagnostics;
using Granary.Engine.Bench.Grains;
using Granary.Engine.Bench.Hosting;
using Granary.Engine.Bench.Measurement;

namespace Granary.Engine.Bench.Runtime;

/// <summary>
/// Local grain calls on one Orleans silo in this process (localhost clustering), from outside grains through the
/// co-hosted grain factory, with references made and grains activated beforehand. Closed loop: each caller awaits
/// its calls one after another, round robin over the grains from its own offset.
/// </summary>
internal static class CallsScenario
{
    private const int GrainCount = 1000;
    private const int Callers = 64;
    private const int MeasuredRounds = 5;
    private static readonly TimeSpan FirstWarmUp = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.3);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SingleRound = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(Report report)
    {
        Console.WriteLine("calls: starting an Orleans silo in this process (localhost clustering) ...");
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        await using var silo = await BenchSilo.StartAsync(s => s.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "granary-bench", clusterId: "bench-calls"));
        var grains = Enumerable.Range(0, GrainCount).Select(i => silo.GrainFactory.GetGrain<IPingGrain>(i)).ToArray();
        // Activation is not part of any figure.
        await Task.WhenAll(grains.Select(g => g.Ping().AsTask()));

        Console.WriteLine($"calls: {Callers} callers x {GrainCount} grains, {Round.TotalSeconds:0} s rounds x {MeasuredRounds} after {FirstWarmUp.TotalSeconds:0} s warm-up ...");
        var spread = await Rounds.RunAsync(MeasuredRounds, Callers, FirstWarmUp, WarmUp, Round, PingLoop(grains, Callers));
        Console.WriteLine($"calls: 1 caller x {GrainCount} grains, {SingleRound.TotalSeconds:0} s rounds x 3 ...");
        var serial = await Rounds.RunAsync(3, 1, WarmUp, WarmUp, SingleRound, PingLoop(grains, 1));

        await CheckCountsAsync(grains, spread.Calls + serial.Calls);

        // The harness's own ceiling: the same 64 closed loops where each "call" is one hop through the thread pool,
        // the least a call to an activation scheduled on the thread pool can cost.
        Console.WriteLine("calls: harness baseline (64 loops of one thread-pool hop each) ...");
        var hop = await Rounds.RunAsync(1, Callers, WarmUp, WarmUp, SingleRound, static async (_, window, log) =>
        {
            while (window.IsRunning)
            {
                var start = Stopwatch.GetTimestamp();
                await ThreadPoolHop.Instance;
                window.Record(log, Stopwatch.GetTimestamp() - start);
            }
        });

        const string Scenario = "calls 64 callers x 1000 grains";
        report.Add($"{Scenario}: throughput", "local_calls_per_s", spread.PerSecond, "calls/s", $"{spread.Describe(Callers)}; Orleans, 1 silo in this process");
        report.Add($"{Scenario}: p50 latency", "local_call_p50_us", spread.P50Microseconds, "µs", "each figure: median over rounds of the round's value");
        report.Add($"{Scenario}: p99 latency", "local_call_p99_us", spread.P99Microseconds, "µs");
        report.Add($"{Scenario}: p99.9 latency", "local_call_p999_us", spread.P999Microseconds, "µs");
        report.Add($"{Scenario}: mean latency", "local_call_mean_us", spread.MeanMicroseconds, "µs", $"≈ callers / throughput; max {spread.MaxMicroseconds:N0} µs");
        report.Add($"{Scenario}: caller fairness", "local_call_fairness", spread.Fairness, "ratio", "fewest / most calls completed by one caller in a round (1 = even)");
        report.Add($"{Scenario}: allocation", "local_call_alloc_bytes", spread.AllocatedBytesPerCall, "B/call", "whole process, measured window");
        report.Add("calls 1 caller x 1000 grains: throughput", "local_calls_1_per_s", serial.PerSecond, "calls/s", serial.Describe(1));
        report.Add("calls 1 caller x 1000 grains: p50 latency", "local_call_1_p50_us", serial.P50Microseconds, "µs", "uncontended latency");
        report.Add("calls 1 caller x 1000 grains: p99 latency", "local_call_1_p99_us", serial.P99Microseconds, "µs");
        report.Add("baseline 64 loops x thread-pool hop", "harness_threadpool_hop_64_per_s", hop.PerSecond, "hops/s", $"upper bound for 1 hop per call; caller fairness {hop.Fairness:0.00}");
    }

    /// <summary>Caller <c>c</c> of <paramref name="callers"/> goes round robin over <paramref name="grains"/> from its own offset.</summary>
    internal static Func<int, MeasurementWindow, LatencyLog, Task> PingLoop(IPingGrain[] grains, int callers) =>
        async (caller, window, log) =>
        {
            var next = (int)((long)caller * grains.Length / callers);
            while (window.IsRunning)
            {
                var grain = grains[next];
                next = next + 1 == grains.Length ? 0 : next + 1;
                var start = Stopwatch.GetTimestamp();
                await grain.Ping();
                window.Record(log, Stopwatch.GetTimestamp() - start);
            }
        };

    /// <summary>The grains together saw at least every call the callers recorded, or the harness is broken.</summary>
    internal static async Task CheckCountsAsync(IPingGrain[] grains, long recorded)
    {
        long seen = 0;
        foreach (var grain in grains)
        {
            seen += await grain.Ping() - 1;
        }
        if (seen < recorded)
        {
            throw new InvalidOperationException($"The grains saw {seen:N0} calls but the callers recorded {recorded:N0}: the harness is broken.");
        }
    }
}
