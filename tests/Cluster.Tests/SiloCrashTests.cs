using System.Diagnostics;
using System.Globalization;
using Granary.Cluster.Tests.Grains;
using Granary.Cluster.Tests.Infrastructure;
using Granary.Runtime;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>A silo process dies with kill -9 under a write load (test timings: probes every 250 ms, death timeout 4 s).</summary>
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(5);
    private const int Counters = 100;
    private const int Probes = 48;

    [Fact]
    public async Task KilledSilo_LosesNoAcknowledgedIncrement_AndItsGrainsAndRemindersMoveToSurvivorsWithinFiveSeconds()
    {
        await using var cluster = await SiloCluster.StartAsync(3, DetectionTimings.Fast);
        try
        {
            await RunAsync(cluster);
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    private async Task RunAsync(SiloCluster cluster)
    {
        var grains = cluster.Client.GrainFactory;
        var keys = Enumerable.Range(0, Counters).Select(i => $"{cluster.RunId}-counter-{i}").ToList();
        var writer = new CounterWriter(grains, keys, loops: 4, pace: TimeSpan.FromMilliseconds(10));
        writer.Start();
        await writer.WaitForEachToSucceedAsync(Enumerable.Range(0, Counters).ToList(), 0, TimeSpan.FromSeconds(20));

        // Where every counter lives, checked against the ring model so the model can say who polls which reminder bucket.
        var victim = cluster.Running[1];
        var rows = (await cluster.Membership.ReadAsync()).Where(r => r.Status == "Active").ToList();
        var nameOf = rows.ToDictionary(r => r.Address, r => r.SiloName);
        var ring = new RingModel(rows.Select(r => r.Address));
        var homes = await Task.WhenAll(keys.Select(k => grains.GetGrain<ICounterGrain>(k).SiloName()));
        for (var i = 0; i < Counters; i++)
        {
            Assert.True(nameOf[ring.OwnerOf(new GrainId("clustertest-counter", keys[i]))] == homes[i],
                $"The test's ring model places {keys[i]} on {nameOf[ring.OwnerOf(new GrainId("clustertest-counter", keys[i]))]} but it lives on {homes[i]}: update RingModel to match src/Runtime/Cluster/Ring.");
        }
        var victimKeys = Enumerable.Range(0, Counters).Where(i => homes[i] == victim.Name).ToList();
        Assert.True(victimKeys.Count > 0, $"No counter lives on {victim.Name}; homes: {string.Join(", ", homes.CountBy(h => h))}");

        // One-shot reminders due 1.5 s to 5.5 s from now, spread over every bucket owner; the silo is killed once the first has fired.
        var probes = Enumerable.Range(0, Probes).Select(i => $"{cluster.RunId}-probe-{i}").ToList();
        var dues = Enumerable.Range(0, Probes).Select(i => TimeSpan.FromMilliseconds(1500 + i * 4000.0 / Probes)).ToList();
        var registeredAt = DateTimeOffset.UtcNow;
        await Task.WhenAll(probes.Select((p, i) => grains.GetGrain<IReminderProbeGrain>(p).Register("tick", dues[i])));
        var probeHomes = await Task.WhenAll(probes.Select(p => grains.GetGrain<IReminderProbeGrain>(p).SiloName()));
        var bucketOwners = probes.Select(p => nameOf[ring.ReminderOwnerOf(new GrainId("clustertest-reminderprobe", p))]).ToList();
        await WaitForFiringsAsync(cluster.RunId, atLeast: 1, TimeSpan.FromSeconds(15));

        var killedAt = Stopwatch.GetTimestamp();
        var killedWall = DateTimeOffset.UtcNow;
        await victim.KillAsync();
        cluster.Running.Remove(victim);

        var declaredDead = await cluster.WaitForStatusAsync(victim.Name, "Dead", TimeSpan.FromSeconds(20)) - killedWall;
        await writer.WaitForEachToSucceedAsync(victimKeys, killedAt, TimeSpan.FromSeconds(20));
        await cluster.WaitForMembersAsync(TimeSpan.FromSeconds(10));
        // A few more seconds of writes on the new view: 600 more acknowledged increments (~2-3 s at the writer's pace).
        await writer.WaitForSuccessesAsync(600, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
        var outcomes = await writer.StopAsync();

        var failures = outcomes.Where(o => !o.Succeeded).ToList();
        var resumed = victimKeys.Max(k => Stopwatch.GetElapsedTime(killedAt, outcomes.First(o => o.Key == k && o.Succeeded && o.Started >= killedAt).Ended));
        var lastFailure = failures.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(killedAt, failures.Max(f => f.Ended));
        output.WriteLine($"victim {victim.Name} hosted {victimKeys.Count} of {Counters} counters; {outcomes.Count} calls, {failures.Count} failed ({failures.Count(f => f.Started < killedAt)} of them in flight at the kill)");
        output.WriteLine($"dead_detection_s: {Seconds(declaredDead)} (membership row Dead, polled every 25 ms)");
        output.WriteLine($"calls_resumed_s: {Seconds(resumed)} (every counter of the victim acknowledged again)");
        output.WriteLine($"last_failed_call_s: {Seconds(lastFailure)} (after the kill)");
        foreach (var error in failures.GroupBy(f => Kind(f.Error!)).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {error.Count()} x {error.Key}, ended {Seconds(Stopwatch.GetElapsedTime(killedAt, error.Min(f => f.Ended)))}-{Seconds(Stopwatch.GetElapsedTime(killedAt, error.Max(f => f.Ended)))} s after the kill; e.g. {error.First().Error}");
        }

        Assert.True(declaredDead <= RecoveryLimit, $"{victim.Name} was declared Dead {Seconds(declaredDead)} s after the kill; the limit is {RecoveryLimit.TotalSeconds} s.");
        Assert.True(resumed <= RecoveryLimit, $"Calls to the victim's counters resumed {Seconds(resumed)} s after the kill; the limit is {RecoveryLimit.TotalSeconds} s.");
        Assert.True(lastFailure <= RecoveryLimit, $"A call still failed {Seconds(lastFailure)} s after the kill.");
        Assert.True(failures.All(f => f.Started >= killedAt || f.Ended >= killedAt), $"Calls failed before the kill: {string.Join(" | ", failures.Where(f => f.Ended < killedAt).Take(3).Select(f => f.Error))}");

        await AssertEveryAcknowledgedIncrementStoredAsync(cluster, keys, outcomes);
        await AssertEveryReminderFiredAsync(cluster.RunId, probes, dues, registeredAt, killedWall, victim.Name, probeHomes, bucketOwners);
    }

    private async Task AssertEveryAcknowledgedIncrementStoredAsync(SiloCluster cluster, List<string> keys, IReadOnlyList<CallOutcome> outcomes)
    {
        var stored = await GrainStateReader.CountsAsync(cluster.RunId + "-counter-");
        var throughGrains = await Task.WhenAll(keys.Select(k => cluster.Client.GrainFactory.GetGrain<ICounterGrain>(k).Get()));
        var problems = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            var acknowledged = outcomes.Count(o => o.Key == i && o.Succeeded);
            var inDoubt = outcomes.Count(o => o.Key == i && !o.Succeeded);
            var row = stored.GetValueOrDefault(keys[i]);
            if (row < acknowledged || row > acknowledged + inDoubt || throughGrains[i] != row)
            {
                problems.Add($"{keys[i]}: stored {row}, read through the grain {throughGrains[i]}, acknowledged {acknowledged}, in doubt {inDoubt}");
            }
        }
        output.WriteLine($"acknowledged increments: {outcomes.Count(o => o.Succeeded)}; stored: {stored.Values.Sum()}");
        Assert.True(problems.Count == 0, $"Counters outside [acknowledged, acknowledged + in doubt]:\n{string.Join('\n', problems)}");
    }

    private async Task AssertEveryReminderFiredAsync(
        string runId, List<string> probes, List<TimeSpan> dues, DateTimeOffset registeredAt, DateTimeOffset killedAt, string victim, string[] probeHomes, List<string> bucketOwners)
    {
        var firings = await WaitForFiringsAsync(runId, atLeast: probes.Count, TimeSpan.FromSeconds(30));
        var takenOver = Enumerable.Range(0, probes.Count).Where(i => bucketOwners[i] == victim && registeredAt + dues[i] > killedAt).ToList();
        var movedGrains = Enumerable.Range(0, probes.Count).Where(i => probeHomes[i] == victim && registeredAt + dues[i] > killedAt).ToList();
        // Lateness counts from the due time the test asked for: a tick re-fired once a crashed silo's claim ran out
        // carries the lease's end as its DueTime (1 s or more past the due asked for), which would hide that wait.
        var lateness = probes.Select((p, i) => firings[p].Min(f => f.FiredAt) - (registeredAt + dues[i])).ToList();
        var refired = Enumerable.Range(0, probes.Count)
            .SelectMany(i => firings[probes[i]].Where(f => f.Attempt == 1 && f.DueTime - (registeredAt + dues[i]) > TimeSpan.FromSeconds(1)).Select(f => f.FiredAt - (registeredAt + dues[i])))
            .ToList();
        var retried = firings.Values.Sum(f => f.Count(t => t.Attempt > 1));
        var duplicates = firings.Values.Sum(f => Math.Max(0, f.Count - 1));
        output.WriteLine($"reminders: {probes.Count} registered, {firings.Values.Sum(f => f.Count)} ticks recorded; " +
            $"{takenOver.Count} due after the kill in buckets {victim} polled, {movedGrains.Count} due after the kill on grains that lived on {victim}");
        output.WriteLine($"reminder_lateness_max_s: {Seconds(lateness.Max())} (all); {(takenOver.Count == 0 ? "-" : Seconds(takenOver.Max(i => lateness[i])))} (taken-over buckets)");
        output.WriteLine($"taken over (due after the kill s / late s): {string.Join(", ", takenOver.Select(i => $"{Seconds(registeredAt + dues[i] - killedAt)}/{Seconds(lateness[i])}"))}");
        output.WriteLine($"{refired.Count} ticks re-fired after a claim lease ran out (late by {string.Join(", ", refired.Select(Seconds))} s); {retried} retried attempts; {duplicates} extra deliveries (at-least-once)");

        Assert.True(takenOver.Count > 0, $"No reminder due after the kill was in a bucket {victim} polled, so the test showed no takeover; bucket owners: {string.Join(", ", bucketOwners.CountBy(o => o))}");
        Assert.All(takenOver, i => Assert.Contains(firings[probes[i]], f => f.FiredAt > killedAt));
        Assert.All(movedGrains, i => Assert.Contains(firings[probes[i]], f => f.FiredAt > killedAt && f.Silo != victim));
    }

    /// <summary>Polls PostgreSQL until at least <paramref name="atLeast"/> probes recorded a tick; fails naming those that did.</summary>
    private static async Task<Dictionary<string, IReadOnlyList<ReminderFiring>>> WaitForFiringsAsync(string runId, int atLeast, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var firings = await GrainStateReader.FiringsAsync(runId + "-probe-");
            var fired = firings.Where(f => f.Value.Count > 0).ToDictionary(f => f.Key, f => f.Value);
            if (fired.Count >= atLeast)
            {
                return fired;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {fired.Count} of the {atLeast} expected reminder probes recorded a tick within {timeout}; recorded: {string.Join(", ", fired.Keys.Order(StringComparer.Ordinal))}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>An error without the names that vary (grain keys, silo addresses), to group failures by cause.</summary>
    private static string Kind(string error) =>
        System.Text.RegularExpressions.Regex.Replace(error, @"[\w.-]+/[\w.-]+|\d+\.\d+\.\d+\.\d+:\d+@\d+", "…");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
