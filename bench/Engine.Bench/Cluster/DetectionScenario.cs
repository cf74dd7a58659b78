using Granary.Engine.Bench.Measurement;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// Failure detection with Granary's membership options: <see cref="Runs"/> runs of <see cref="DetectionRun"/>,
/// figures as medians (stall: declared dead in any run). Env <c>GRANARY_BENCH_MEMBERSHIP_SETS</c> = <c>all</c> or a
/// comma-separated list of <see cref="MembershipSet"/> names measures those sets too; their figures carry the set's
/// name as a suffix (<c>dead_detection_s_defaults</c>), Granary's set none.
/// </summary>
internal static class DetectionScenario
{
    private const int Runs = 3;

    public static async Task RunAsync(Report report)
    {
        await using var cluster = await BenchCluster.ConnectAsync();
        var failures = new List<string>();
        foreach (var set in SelectedSets())
        {
            Console.WriteLine($"cluster detection: {set.Describe()}");
            var results = new List<DetectionResult>();
            for (var run = 1; run <= Runs; run++)
            {
                try
                {
                    var result = await DetectionRun.RunAsync(cluster, set, run);
                    results.Add(result);
                    Console.WriteLine($"cluster detection [{set.Name}] run {run}/{Runs}: {result}");
                }
                catch (Exception ex)
                {
                    failures.Add($"[{set.Name}] run {run}: {ex.Message}");
                    await Console.Error.WriteLineAsync($"cluster detection [{set.Name}] run {run}/{Runs} FAILED: {ex}");
                }
            }
            Summarize(report, set, results);
        }
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"{failures.Count} detection run(s) failed: {string.Join(" | ", failures)}");
        }
    }

    private static void Summarize(Report report, MembershipSet set, List<DetectionResult> results)
    {
        var suffix = set.FigureSuffix;
        var label = set == MembershipSet.Granary ? $"detection [Granary's: {set.Name}]" : $"detection [{set.Name}]";
        // A run that never saw Dead counts as infinitely slow, so that it weighs on the median as it should.
        var kills = results.Select(r => r.KillDeadAfter ?? double.PositiveInfinity).ToArray();
        var firstVotes = results.Select(r => r.KillFirstVoteAfter ?? double.PositiveInfinity).ToArray();
        var hangs = results.Where(r => !r.StallDeclaredDead).Select(r => r.HangDeadAfter ?? double.PositiveInfinity).ToArray();
        var stallDeaths = results.Count(r => r.StallDeclaredDead);

        report.Add($"{label}: SIGKILL -> row Dead", $"dead_detection_s{suffix}", Percentiles.Median(kills), "s",
            $"median of {results.Count} runs (max {Max(kills):0.00}; first vote seen at {Percentiles.Median(firstVotes):0.00} s); " +
            $"3 silos (A = this process, B, C); {set.Describe()}");
        report.Add($"{label}: 3 s SIGSTOP declared dead", $"stall_3s_declared_dead{suffix}", stallDeaths > 0 ? 1 : 0, "0|1",
            $"{stallDeaths} of {results.Count} runs; most votes seen on the stalled row: {(results.Count > 0 ? results.Max(r => r.StallMaxVotes) : 0)}");
        report.Add($"{label}: hang (SIGSTOP) -> row Dead", $"hang_detection_s{suffix}", Percentiles.Median(hangs), "s",
            hangs.Length == 0
                ? "not measured: the stall got B declared dead"
                : $"median of {hangs.Length} runs (max {Max(hangs):0.00}); 2 silos left; sockets stay open, as when a host stops answering; ∞ = not Dead in 120 s");
    }

    private static double Max(double[] values) => values.Length > 0 ? values.Max() : double.NaN;

    private static IReadOnlyList<MembershipSet> SelectedSets() =>
        Environment.GetEnvironmentVariable("GRANARY_BENCH_MEMBERSHIP_SETS") switch
        {
            null or "" => [MembershipSet.Granary],
            "all" => MembershipSet.All,
            var names => names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(MembershipSet.Find).ToArray(),
        };
}
