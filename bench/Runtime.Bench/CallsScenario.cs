using System.Diagnostics;
using System.Runtime.CompilerServices;
using Granary.Runtime.Testing;

namespace Granary.Bench;

/// <summary>
/// Local grain calls with memory storage, from outside grains through the cluster's grain factory, with references
/// created beforehand. Closed loop: each caller awaits its calls one after another.
/// </summary>
public static class CallsScenario
{
    private const int GrainCount = 1000;
    private const int MaxCalls = 8_000_000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan BaselineWarmUp = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan BaselineLimit = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(Report report)
    {
        Console.WriteLine("calls: starting a silo with memory storage ...");
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = TestStorage.Memory });
        var grains = Enumerable.Range(0, GrainCount).Select(i => cluster.GrainFactory.GetGrain<IPingGrain>(i)).ToArray();
        var single = cluster.GrainFactory.GetGrain<IPingGrain>(1_000_000);
        // Activate every grain before measuring so activation cost is not part of any figure.
        await Task.WhenAll(grains.Select(g => g.Ping().AsTask()).Append(single.Ping().AsTask()));

        Console.WriteLine("calls: 1 caller x 1 grain ...");
        var one = await RunPingAsync(callers: 1, [single]);
        report.Add("calls 1 caller x 1 grain: throughput", "local_calls_1x1_per_s", one.PerSecond, "calls/s", one.Describe(1));
        report.Add("calls 1 caller x 1 grain: p50 latency", "local_call_1x1_p50_us", one.Latency.PercentileMicroseconds(0.50), "µs");
        report.Add("calls 1 caller x 1 grain: p99 latency", "local_call_1x1_p99_us", one.Latency.PercentileMicroseconds(0.99), "µs");

        Console.WriteLine("calls: 64 callers x 1 grain ...");
        var hot = await RunPingAsync(callers: 64, [single]);
        report.Add("calls 64 callers x 1 grain: throughput", "local_calls_64x1_per_s", hot.PerSecond, "calls/s", hot.Describe(64));
        report.Add("calls 64 callers x 1 grain: p50 latency", "local_call_64x1_p50_us", hot.Latency.PercentileMicroseconds(0.50), "µs");

        Console.WriteLine("calls: 64 callers x 1000 grains ...");
        var spread = await RunPingAsync(callers: 64, grains);
        report.Add("calls 64 callers x 1000 grains: throughput", "local_calls_per_s", spread.PerSecond, "calls/s", $"{spread.Describe(64)}; target >= 500,000");
        report.Add("calls 64 callers x 1000 grains: p50 latency", "local_call_p50_us", spread.Latency.PercentileMicroseconds(0.50), "µs");
        report.Add("calls 64 callers x 1000 grains: p99 latency", "local_call_p99_us", spread.Latency.PercentileMicroseconds(0.99), "µs");
        report.Add("calls 64 callers x 1000 grains: allocation", "local_call_alloc_bytes", spread.AllocatedBytesPerCall, "B/call",
            $"whole process; {spread.Gen0Collections} gen-0 GCs in the window");

        Console.WriteLine("calls: 1 caller x 1000 grains ...");
        var serial = await RunPingAsync(callers: 1, grains);
        report.Add("calls 1 caller x 1000 grains: throughput", "local_calls_1x1000_per_s", serial.PerSecond, "calls/s", serial.Describe(1));

        // Each grain counts its calls: together they must have seen at least every call the callers recorded.
        long seen = 0;
        foreach (var grain in grains.Append(single))
        {
            seen += await grain.Ping() - 1;
        }
        var recorded = one.Calls + hot.Calls + spread.Calls + serial.Calls;
        if (seen < recorded)
        {
            throw new InvalidOperationException($"The grains saw {seen:N0} calls but the callers recorded {recorded:N0}: the harness is broken.");
        }

        // The harness's own ceiling: the same 64 closed loops where each "call" is one hop through the thread pool,
        // which is the least a call to an activation scheduled on the thread pool costs.
        Console.WriteLine("calls: harness baseline (64 loops of one thread-pool hop each) ...");
        var hop = await ClosedLoop.RunAsync(64, MaxCalls, BaselineWarmUp, BaselineLimit, static async (_, window, log) =>
        {
            while (window.IsRunning)
            {
                var start = Stopwatch.GetTimestamp();
                await ThreadPoolHop.Instance;
                window.Record(log, Stopwatch.GetTimestamp() - start);
            }
        });
        report.Add("baseline 64 loops x thread-pool hop", "harness_threadpool_hop_64_per_s", hop.PerSecond, "hops/s", "upper bound for 1 hop per call");
    }

    private static Task<RunResult> RunPingAsync(int callers, IPingGrain[] grains) =>
        ClosedLoop.RunAsync(callers, MaxCalls, WarmUp, Limit, (caller, window, log) =>
            PingLoopAsync(grains, (int)((long)caller * grains.Length / callers), window, log));

    /// <summary>One caller: round robin over <paramref name="grains"/> from <paramref name="offset"/>.</summary>
    private static async Task PingLoopAsync(IPingGrain[] grains, int offset, MeasurementWindow window, LatencyLog log)
    {
        var next = offset % grains.Length;
        while (window.IsRunning)
        {
            var grain = grains[next];
            next = next + 1 == grains.Length ? 0 : next + 1;
            var start = Stopwatch.GetTimestamp();
            await grain.Ping();
            window.Record(log, Stopwatch.GetTimestamp() - start);
        }
    }

    /// <summary>An awaitable that always continues on a thread-pool thread, like a request posted to an activation.</summary>
    private sealed class ThreadPoolHop : ICriticalNotifyCompletion
    {
        public static readonly ThreadPoolHop Instance = new();

        public ThreadPoolHop GetAwaiter() => this;

        public bool IsCompleted => false;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        public void UnsafeOnCompleted(Action continuation) =>
            ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
    }
}
