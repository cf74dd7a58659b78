using System.Diagnostics;
using Granary.Engine.Bench.Grains;
using Granary.Engine.Bench.Measurement;
using Granary.Engine.Bench.Runtime;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// Cross-silo grain calls beside local ones, in one run: this process is silo A, a child process silo B, one
/// Redis-membership cluster on loopback with Granary's membership options. B activates 1,000 prefer-local ping grains
/// (so they live on B), A activates 1,000 of its own; every grain is asked where it lives before measuring. Callers
/// on A go through A's grain factory; remote and local rounds alternate so drift on the machine weighs on both.
/// </summary>
internal static class ClusterCallsScenario
{
    private const int GrainCount = 1000;
    private const int Callers = 64;
    private const int MeasuredRounds = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.3);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SingleRound = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(Report report)
    {
        await using var cluster = await BenchCluster.ConnectAsync();
        var settingsB = cluster.Settings("calls", MembershipSet.Granary);
        Console.WriteLine($"cluster calls: starting silo B (child process) in {settingsB.MembershipKey} ...");
        await using var siloB = ChildSilo.Start("B", settingsB, TimeSpan.FromMinutes(10));
        await siloB.WaitForAsync("ready", m => m is ["ready", _], StartTimeout);
        var fatal = new ObserverFatalErrorHandler();
        await using var siloA = await BenchCluster.StartInProcessAsync(settingsB.WithFreePort(), fatal);
        await BenchCluster.WaitForActiveAsync(siloA, 2, StartTimeout);
        await siloB.WaitForViewAsync(2, StartTimeout);
        Console.WriteLine($"cluster calls: A {siloA.Address.ToParsableString()} and B {siloB.Address} both see 2 active silos; placing grains ...");

        await siloB.SendAsync($"activate 0 {GrainCount}");
        var activated = await siloB.WaitForAsync("activated", m => m is ["activated", ..], StartTimeout);
        var factory = siloA.GrainFactory;
        var remote = Enumerable.Range(0, GrainCount).Select(i => factory.GetGrain<IPingGrain>(i)).ToArray();
        var local = Enumerable.Range(GrainCount, GrainCount).Select(i => factory.GetGrain<IPingGrain>(i)).ToArray();
        await CheckPlacementAsync(remote, siloB.Address!, "B");
        await CheckPlacementAsync(local, siloA.Address.ToParsableString(), "A");
        Console.WriteLine($"cluster calls: B says {activated[2]} of {activated[1]} landed on B; A confirms all {GrainCount} on B and its own {GrainCount} on A");

        // Unmeasured: both processes JIT-compile and tier up the remote and the local path.
        Console.WriteLine("cluster calls: warming up (unmeasured) ...");
        await ClosedLoop.RunAsync(Callers, TimeSpan.FromSeconds(2), SingleRound, CallsScenario.PingLoop(remote, Callers));
        await ClosedLoop.RunAsync(Callers, TimeSpan.FromSeconds(1), SingleRound, CallsScenario.PingLoop(local, Callers));

        Console.WriteLine($"cluster calls: {Callers} callers, remote and local alternating, {MeasuredRounds} rounds of {Round.TotalSeconds:0} s each ...");
        var remote64 = new RoundsResult();
        var local64 = new RoundsResult();
        var cpuA = TimeSpan.Zero;
        var cpuB = TimeSpan.Zero;
        for (var i = 0; i < MeasuredRounds; i++)
        {
            var (startA, startB) = (Process.GetCurrentProcess().TotalProcessorTime, siloB.CpuTime);
            remote64.Add(await ClosedLoop.RunAsync(Callers, WarmUp, Round, CallsScenario.PingLoop(remote, Callers)));
            (cpuA, cpuB) = (cpuA + Process.GetCurrentProcess().TotalProcessorTime - startA, cpuB + siloB.CpuTime - startB);
            local64.Add(await ClosedLoop.RunAsync(Callers, WarmUp, Round, CallsScenario.PingLoop(local, Callers)));
        }
        Console.WriteLine("cluster calls: 1 caller, remote and local alternating, 3 rounds of 1 s each ...");
        var remote1 = new RoundsResult();
        var local1 = new RoundsResult();
        for (var i = 0; i < 3; i++)
        {
            remote1.Add(await ClosedLoop.RunAsync(1, WarmUp, SingleRound, CallsScenario.PingLoop(remote, 1)));
            local1.Add(await ClosedLoop.RunAsync(1, WarmUp, SingleRound, CallsScenario.PingLoop(local, 1)));
        }
        await CallsScenario.CheckCountsAsync(remote, remote64.Calls + remote1.Calls);
        fatal.ThrowIfFailed();

        // CPU includes each round's warm-up, so divide by every call made then, not just the recorded ones: an estimate.
        var remoteCallsWithWarmUp = remote64.Calls * (Round + WarmUp).TotalSeconds / Round.TotalSeconds;
        const string Where = "A = this process, B = child process, Redis membership, loopback";
        report.Add("cluster remote 64 callers: throughput", "remote_calls_per_s", remote64.PerSecond, "calls/s",
            $"{remote64.Describe(Callers)} on {GrainCount} grains on B; {Where}");
        report.Add("cluster remote 64 callers: p50 latency", "remote_call_64_p50_us", remote64.P50Microseconds, "µs");
        report.Add("cluster remote 64 callers: p99 latency", "remote_call_64_p99_us", remote64.P99Microseconds, "µs");
        report.Add("cluster remote 64 callers: CPU per call, A", "remote_call_cpu_a_us", cpuA.TotalMicroseconds / remoteCallsWithWarmUp, "µs", "process CPU / calls, warm-ups included");
        report.Add("cluster remote 64 callers: CPU per call, B", "remote_call_cpu_b_us", cpuB.TotalMicroseconds / remoteCallsWithWarmUp, "µs");
        report.Add("cluster local 64 callers: throughput", "local_calls_per_s", local64.PerSecond, "calls/s",
            $"{local64.Describe(Callers)} on {GrainCount} grains on A, same run");
        report.Add("cluster local 64 callers: p50 latency", "local_call_64_p50_us", local64.P50Microseconds, "µs");
        report.Add("cluster remote 1 caller: p50 latency", "remote_call_p50_us", remote1.P50Microseconds, "µs", remote1.Describe(1));
        report.Add("cluster remote 1 caller: p99 latency", "remote_call_p99_us", remote1.P99Microseconds, "µs");
        report.Add("cluster local 1 caller: p50 latency", "local_call_p50_us", local1.P50Microseconds, "µs", $"{local1.Describe(1)}; same run");
    }

    /// <summary>Every grain of <paramref name="grains"/> answers that it lives on <paramref name="address"/>.</summary>
    private static async Task CheckPlacementAsync(IPingGrain[] grains, string address, string silo)
    {
        var places = await Task.WhenAll(grains.Select(g => g.Where().AsTask()));
        var elsewhere = places.Count(p => p != address);
        if (elsewhere > 0)
        {
            throw new InvalidOperationException(
                $"{elsewhere} of {grains.Length} grains meant for silo {silo} ({address}) live elsewhere: {string.Join(", ", places.Distinct())}.");
        }
    }
}
