using System.Diagnostics;
using Granary.Runtime.Cluster;

namespace Granary.Bench;

/// <summary>
/// Time from SIGKILL of a silo process to its membership row reading Dead in Redis, with DEFAULT cluster timings:
/// two real silo processes form a cluster, both views list both, one is killed, Redis is polled every 25 ms for at
/// most 30 s.
/// </summary>
public static class DeadDetectionScenario
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DetectionDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    public static async Task RunAsync(Report report)
    {
        await using var cluster = await BenchCluster.ConnectAsync();
        var clusterId = BenchCluster.NewClusterId("dead");
        Console.WriteLine($"cluster detection: starting two silo processes with default timings in cluster {cluster.Rows.KeyPrefix}:{clusterId} ...");
        var environment = cluster.SiloEnvironment(clusterId, quiet: false);
        await using var survivor = SiloProcess.Start(cluster.SiloDll, "bench-survivor", environment);
        await using var victim = SiloProcess.Start(cluster.SiloDll, "bench-victim", environment);
        var survivorRow = await cluster.WaitForActiveAsync(clusterId, survivor, StartTimeout);
        var victimRow = await cluster.WaitForActiveAsync(clusterId, victim, StartTimeout);
        await BenchCluster.WaitForViewAsync(survivor, survivorRow.HttpPort, 2, StartTimeout);
        await BenchCluster.WaitForViewAsync(victim, victimRow.HttpPort, 2, StartTimeout);

        Console.WriteLine($"cluster detection: both views list both silos; SIGKILL {victim.Name} ({victimRow.Address}) ...");
        var killed = Stopwatch.GetTimestamp();
        victim.Kill();
        double? firstSuspicion = null;
        MembershipRow? last = null;
        while (Stopwatch.GetElapsedTime(killed) < DetectionDeadline)
        {
            last = (await cluster.Rows.ReadAsync(clusterId)).FirstOrDefault(r => r.Address == victimRow.Address);
            var elapsed = Stopwatch.GetElapsedTime(killed).TotalSeconds;
            if (last is { Suspicions: > 0 } && firstSuspicion is null)
            {
                firstSuspicion = elapsed;
            }
            if (last is { Status: "Dead" })
            {
                var survivorNow = (await cluster.Rows.ReadAsync(clusterId)).FirstOrDefault(r => r.Address == survivorRow.Address);
                report.Add("dead detection: SIGKILL -> row Dead", "dead_detection_s", elapsed, "s",
                    $"{Defaults()}; {last.Suspicions} suspicion vote(s) on the row; survivor {survivorNow?.Status ?? "missing"}; target <= 10");
                report.Add("dead detection: SIGKILL -> first suspicion", "dead_first_suspicion_s", firstSuspicion ?? double.NaN, "s",
                    firstSuspicion is null ? "declared by I-am-alive age, no probe vote seen" : "missed probes turned into a vote (with 2 silos one vote declares death)");
                return;
            }
            await Task.Delay(PollInterval);
        }
        report.Add("dead detection: SIGKILL -> row Dead", "dead_detection_s", double.NaN, "s",
            $"NOT declared Dead within {DetectionDeadline.TotalSeconds:0} s (row: {last?.Status ?? "missing"}, {last?.Suspicions ?? 0} votes); {Defaults()}");
        throw new TimeoutException($"{victim.Name} was not declared Dead within {DetectionDeadline.TotalSeconds:0} s. Survivor output:\n{survivor.Tail}");
    }

    /// <summary>The default timings both silos ran with.</summary>
    private static string Defaults()
    {
        var o = new ClusterOptions();
        return $"defaults: probe every {o.ProbeInterval.TotalSeconds:0.##} s, timeout {o.ProbeTimeout.TotalSeconds:0.##} s, {o.MissedProbesLimit} missed, " +
            $"I-am-alive {o.IAmAlivePeriod.TotalSeconds:0.##} s, death timeout {o.DeathTimeout.TotalSeconds:0.##} s";
    }
}
