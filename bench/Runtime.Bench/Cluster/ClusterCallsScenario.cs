using System.Diagnostics;
using Granary.Runtime.Placement;

namespace Granary.Bench;

/// <summary>
/// Cross-silo grain calls beside local ones, in one run, between two processes on this machine: the bench process
/// is silo A (in process, so it can call), a real silo executable is silo B, both in one Redis-membership cluster
/// with default timings. Ping grain keys are picked by A's ring placement, so "remote" grains are all owned by B
/// (every call crosses the loopback TCP transport) and "local" grains all by A. The raw transport (ping/pong frames
/// on the same connection, no grain dispatch) is measured too, to see what the grain-call layer adds.
/// </summary>
public static class ClusterCallsScenario
{
    private const int GrainCount = 1000;
    private const int MaxCalls = 8_000_000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Report report)
    {
        await using var cluster = await BenchCluster.ConnectAsync();
        var clusterId = BenchCluster.NewClusterId("calls");
        Console.WriteLine($"cluster calls: starting silo B (process {Path.GetFileName(cluster.SiloDll)}) in cluster {cluster.Rows.KeyPrefix}:{clusterId} ...");
        var environment = cluster.SiloEnvironment(clusterId, quiet: true, grainAssembly: typeof(PingGrain).Assembly.Location);
        await using var siloB = SiloProcess.Start(cluster.SiloDll, "bench-b", environment);
        var rowB = await cluster.WaitForActiveAsync(clusterId, siloB, StartTimeout);
        Console.WriteLine($"cluster calls: silo B is Active at {rowB.Address}; starting silo A in this process ...");
        await using var siloA = await InProcessSilo.StartAsync(cluster, clusterId, "bench-a");
        await siloA.WaitForViewAsync(2, StartTimeout);
        await BenchCluster.WaitForViewAsync(siloB, rowB.HttpPort, 2, StartTimeout);
        var addressB = SiloAddress.Parse(rowB.Address);

        var (remote, local) = PickKeys(siloA, addressB);
        var factory = siloA.Silo.GrainFactory;
        var remoteGrains = remote.Select(k => factory.GetGrain<IPingGrain>(k)).ToArray();
        var localGrains = local.Select(k => factory.GetGrain<IPingGrain>(k)).ToArray();
        await Task.WhenAll(remoteGrains.Concat(localGrains).Select(g => g.Ping().AsTask()));
        CheckPlacement(siloA, remote, local);
        Console.WriteLine($"cluster calls: {GrainCount} grains active on each silo (keys picked by A's ring; remote ones not activated on A)");

        Func<int, long, ValueTask<TimeSpan>> ping = (_, _) => new ValueTask<TimeSpan>(siloA.Connections.PingAsync(addressB, TimeSpan.FromSeconds(5)));
        // Unmeasured: both processes JIT-compile and tier up the remote path, the ping path and the local path, so
        // the first measured run doesn't pay for it.
        Console.WriteLine("cluster calls: warming up both processes (unmeasured) ...");
        foreach (var warm in new[] { GrainCalls(remoteGrains, 64), GrainCalls(localGrains, 64) })
        {
            await RunAsync(64, siloB, warm, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5));
        }
        await RunAsync(64, siloB, ping, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5));

        Console.WriteLine("cluster calls: remote, 1 caller ...");
        var remote1 = await RunAsync(1, siloB, GrainCalls(remoteGrains, 1));
        Console.WriteLine("cluster calls: transport ping, 1 sender ...");
        var ping1 = await RunAsync(1, siloB, ping);
        Console.WriteLine("cluster calls: local, 1 caller ...");
        var local1 = await RunAsync(1, siloB, GrainCalls(localGrains, 1));
        Console.WriteLine("cluster calls: remote, 64 callers ...");
        var remote64 = await RunAsync(64, siloB, GrainCalls(remoteGrains, 64));
        Console.WriteLine("cluster calls: transport ping, 64 senders ...");
        var ping64 = await RunAsync(64, siloB, ping);
        Console.WriteLine("cluster calls: local, 64 callers ...");
        var local64 = await RunAsync(64, siloB, GrainCalls(localGrains, 64));
        await CheckCountsAsync(remoteGrains, remote1.Result.Calls + remote64.Result.Calls);

        const string Two = "2 processes (A = bench, B = Granary.Silo), Redis membership";
        const string LowLoadCpu = "CPU at 1 caller includes idle spinning";
        report.Add("cluster remote 1 caller: p50 latency", "remote_call_p50_us", remote1.P(0.50), "µs",
            $"{remote1.Result.Describe(1)}; {Two}; target < 200");
        report.Add("cluster remote 1 caller: p99 latency", "remote_call_p99_us", remote1.P(0.99), "µs", $"{remote1.Cpu}; {LowLoadCpu}");
        report.Add("cluster remote 1 caller: throughput", "remote_calls_1_per_s", remote1.Result.PerSecond, "calls/s");
        report.Add("cluster remote 64 callers: throughput", "remote_calls_per_s", remote64.Result.PerSecond, "calls/s",
            $"{remote64.Result.Describe(64)} on {GrainCount} grains owned by B; target >= 50,000");
        report.Add("cluster remote 64 callers: p50 latency", "remote_call_64_p50_us", remote64.P(0.50), "µs");
        report.Add("cluster remote 64 callers: p99 latency", "remote_call_64_p99_us", remote64.P(0.99), "µs");
        report.Add("cluster remote 64 callers: CPU per call, A", "remote_call_cpu_a_us", remote64.Cpu.CpuA, "µs",
            $"{remote64.Cpu}; A allocates {remote64.Result.AllocatedBytesPerCall:N0} B/call ({remote64.Result.Gen0Collections} gen-0 GCs)");
        report.Add("cluster remote 64 callers: CPU per call, B", "remote_call_cpu_b_us", remote64.Cpu.CpuB, "µs", "silo process B, server GC");
        report.Add("cluster local 1 caller: p50 latency", "local_call_p50_us", local1.P(0.50), "µs",
            $"{local1.Result.Describe(1)}; grains owned by A, same run");
        report.Add("cluster local 64 callers: throughput", "local_calls_per_s", local64.Result.PerSecond, "calls/s",
            $"{local64.Result.Describe(64)} on {GrainCount} grains owned by A, same run");
        report.Add("cluster local 64 callers: p50 latency", "local_call_64_p50_us", local64.P(0.50), "µs");
        report.Add("cluster local 64 callers: p99 latency", "local_call_64_p99_us", local64.P(0.99), "µs", local64.Cpu.ToString());
        report.Add("transport ping 1 sender: p50 latency", "transport_ping_p50_us", ping1.P(0.50), "µs",
            $"{ping1.Result.Describe(1, "pings", "sender")}; ping/pong frames A->B on the grain calls' connection, no grain dispatch");
        report.Add("transport ping 1 sender: p99 latency", "transport_ping_p99_us", ping1.P(0.99), "µs", $"{ping1.Cpu}; {LowLoadCpu}");
        report.Add("transport ping 64 senders: throughput", "transport_pings_64_per_s", ping64.Result.PerSecond, "pings/s",
            $"{ping64.Result.Describe(64, "pings", "sender")}; A allocates {ping64.Result.AllocatedBytesPerCall:N0} B/ping");
        report.Add("transport ping 64 senders: p50 latency", "transport_ping_64_p50_us", ping64.P(0.50), "µs", ping64.Cpu.ToString());
    }

    /// <summary>The first <see cref="GrainCount"/> keys A's ring places on B, and the first it places on A.</summary>
    private static (long[] Remote, long[] Local) PickKeys(InProcessSilo siloA, SiloAddress addressB)
    {
        var addressA = siloA.Silo.Address;
        var remote = new List<long>(GrainCount);
        var local = new List<long>(GrainCount);
        for (long key = 1; remote.Count < GrainCount || local.Count < GrainCount; key++)
        {
            if (key > 1_000_000)
            {
                throw new InvalidOperationException($"A's ring does not split keys between {addressA} and {addressB}: {remote.Count} remote, {local.Count} local.");
            }
            var owner = siloA.Runtime.Placement.OwnerOf(siloA.PingGrainId(key));
            var side = owner == addressB ? remote : owner == addressA ? local : throw new InvalidOperationException($"Key {key} is owned by {owner}, neither A nor B.");
            if (side.Count < GrainCount)
            {
                side.Add(key);
            }
        }
        return (remote.ToArray(), local.ToArray());
    }

    /// <summary>No remote grain has an activation on A and every local one has: the calls really went where intended.</summary>
    private static void CheckPlacement(InProcessSilo siloA, long[] remote, long[] local)
    {
        var wronglyLocal = remote.Count(k => siloA.Runtime.Catalog.TryGet(siloA.PingGrainId(k), out _));
        var missing = local.Count(k => !siloA.Runtime.Catalog.TryGet(siloA.PingGrainId(k), out _));
        if (wronglyLocal > 0 || missing > 0)
        {
            throw new InvalidOperationException($"Placement is not as picked: {wronglyLocal} remote grains are active on A, {missing} local grains are not.");
        }
    }

    /// <summary>The remote grains (on B) counted at least every remote call the callers recorded.</summary>
    private static async Task CheckCountsAsync(IPingGrain[] remoteGrains, long recorded)
    {
        long seen = 0;
        foreach (var grain in remoteGrains)
        {
            seen += await grain.Ping() - 1;
        }
        if (seen < recorded)
        {
            throw new InvalidOperationException($"Silo B's grains saw {seen:N0} calls but the callers recorded {recorded:N0}: the harness is broken.");
        }
    }

    /// <summary>Caller <c>c</c> of <paramref name="callers"/> goes round robin over <paramref name="grains"/> from its own offset.</summary>
    private static Func<int, long, ValueTask<int>> GrainCalls(IPingGrain[] grains, int callers) =>
        (caller, n) => grains[(int)((caller * (long)grains.Length / callers + n) % grains.Length)].Ping();

    private sealed record Measured(RunResult Result, CpuUse Cpu)
    {
        public double P(double quantile) => Result.Latency.PercentileMicroseconds(quantile);
    }

    /// <summary>Closed loop: <paramref name="callers"/> callers each await <paramref name="call"/>(caller, n) one after another.</summary>
    private static async Task<Measured> RunAsync<T>(
        int callers, SiloProcess siloB, Func<int, long, ValueTask<T>> call, TimeSpan? warmUp = null, TimeSpan? limit = null)
    {
        var cpu = CpuMeter.Start(siloB);
        var result = await ClosedLoop.RunAsync(callers, MaxCalls, warmUp ?? WarmUp, limit ?? Limit, async (caller, window, log) =>
        {
            long n = 0;
            try
            {
                while (window.IsRunning)
                {
                    var start = Stopwatch.GetTimestamp();
                    await call(caller, n++);
                    window.Record(log, Stopwatch.GetTimestamp() - start);
                }
            }
            finally
            {
                cpu.Add(n);
            }
        });
        return new Measured(result, cpu.Stop());
    }
}
