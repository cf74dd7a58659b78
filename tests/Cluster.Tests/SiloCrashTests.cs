using System.Diagnostics;
using System.Globalization;
using Granary.Cluster.Tests.Grains;
using Granary.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>A silo process dies with kill -9 under a write load (test timings: probes every 1 s, 2 misses, then an indirect probe).</summary>
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbePeriod = TimeSpan.FromSeconds(1);
    private const int Counters = 100;
    private const int Probes = 30;

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
        output.WriteLine($"cluster of 3 silo processes and the test silo started in {Seconds(cluster.StartedIn)} s");
        var grains = cluster.TestSilo.Grains;
        var keys = Enumerable.Range(0, Counters).Select(i => $"{cluster.RunId}-counter-{i}").ToList();
        var writer = new CounterWriter(grains, keys, loops: 4, pace: TimeSpan.FromMilliseconds(10));
        writer.Start();
        await writer.WaitForEachToSucceedAsync(Enumerable.Range(0, Counters).ToList(), 0, TimeSpan.FromSeconds(20));

        var victim = cluster.Running[1];
        var homes = await Task.WhenAll(keys.Select(k => grains.GetGrain<ICounterGrain>(k).SiloName()));
        var victimKeys = Enumerable.Range(0, Counters).Where(i => homes[i] == victim.Name).ToList();
        Assert.True(victimKeys.Count > 0, $"No counter lives on {victim.Name}; homes: {string.Join(", ", homes.CountBy(h => h))}");

        // Reminders ticking every second; before the kill each has ticked from the silo that owns its range on the ring.
        var probes = Enumerable.Range(0, Probes).Select(i => grains.GetGrain<IReminderProbeGrain>($"{cluster.RunId}-probe-{i}")).ToList();
        await Task.WhenAll(probes.Select(p => p.Start(TimeSpan.Zero, ProbePeriod)));
        var before = await WaitForFiringsAsync(probes, _ => true, "two ticks with a known sender", f => f.Count(t => t.SentBy is not null) >= 2, TimeSpan.FromSeconds(20));
        var owners = before.Select(f => f.Last(t => t.SentBy is not null).SentBy!).ToList();
        var probeHomes = await Task.WhenAll(probes.Select(p => p.SiloName()));

        var killedAt = Stopwatch.GetTimestamp();
        var killedWall = DateTimeOffset.UtcNow;
        await victim.KillAsync();
        cluster.Running.Remove(victim);

        var declaredDead = await cluster.WaitForStatusAsync(victim.Name, "Dead", TimeSpan.FromSeconds(20)) - killedWall;
        await writer.WaitForEachToSucceedAsync(victimKeys, killedAt, TimeSpan.FromSeconds(20));
        await cluster.WaitForMembersAsync(TimeSpan.FromSeconds(10));
        // A few more seconds of writes on the new view: 300 more acknowledged increments.
        await writer.WaitForSuccessesAsync(300, Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(30));
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
        Assert.True(failures.All(f => f.Ended >= killedAt), $"Calls failed before the kill: {string.Join(" | ", failures.Where(f => f.Ended < killedAt).Take(3).Select(f => f.Error))}");

        await AssertEveryAcknowledgedIncrementStoredAsync(cluster, keys, outcomes);
        await AssertRemindersMovedAsync(probes, owners, probeHomes, victim.Name, killedWall);
    }

    private async Task AssertEveryAcknowledgedIncrementStoredAsync(SiloCluster cluster, List<string> keys, IReadOnlyList<CallOutcome> outcomes)
    {
        var stored = await StoredState.ReadAllAsync<CounterState>(cluster.TestSilo.Serializer, cluster.RunId, CounterGrain.StateName);
        var throughGrains = await Task.WhenAll(keys.Select(k => cluster.TestSilo.Grains.GetGrain<ICounterGrain>(k).Get()));
        var problems = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            var acknowledged = outcomes.Count(o => o.Key == i && o.Succeeded);
            var inDoubt = outcomes.Count(o => o.Key == i && !o.Succeeded);
            var row = stored.GetValueOrDefault(keys[i])?.Count ?? 0;
            if (row < acknowledged || row > acknowledged + inDoubt || throughGrains[i] != row)
            {
                problems.Add($"{keys[i]}: stored {row}, read through the grain {throughGrains[i]}, acknowledged {acknowledged}, in doubt {inDoubt}");
            }
        }
        output.WriteLine($"acknowledged increments: {outcomes.Count(o => o.Succeeded)}; stored: {stored.Values.Sum(s => s.Count)}");
        Assert.True(problems.Count == 0, $"Counters outside [acknowledged, acknowledged + in doubt]:\n{string.Join('\n', problems)}");
    }

    /// <summary>Reminders whose range the victim owned tick again from a survivor; probes the victim hosted tick again elsewhere.</summary>
    private async Task AssertRemindersMovedAsync(List<IReminderProbeGrain> probes, List<string> owners, string[] probeHomes, string victim, DateTimeOffset killedAt)
    {
        var takenOver = Enumerable.Range(0, probes.Count).Where(i => owners[i] == victim).ToList();
        var moved = Enumerable.Range(0, probes.Count).Where(i => probeHomes[i] == victim).ToList();
        Assert.True(takenOver.Count > 0, $"No probe's reminder was sent by {victim} before the kill, so the test showed no takeover; senders: {string.Join(", ", owners.CountBy(o => o))}");

        var after = await WaitForFiringsAsync(probes, i => takenOver.Contains(i) || moved.Contains(i), $"a tick after the kill, not sent by or hosted on {victim}",
            f => f.Any(t => t.FiredAt > killedAt && t.SentBy != victim && t.HostSilo != victim), TimeSpan.FromSeconds(30));
        var takeover = takenOver.Max(i => after[i].First(t => t.FiredAt > killedAt && t.SentBy != victim).FiredAt - killedAt);
        output.WriteLine($"reminders: {probes.Count} probes ticking every {ProbePeriod.TotalSeconds} s; {takenOver.Count} sent by {victim} before the kill, {moved.Count} hosted on it");
        output.WriteLine($"reminder_takeover_s: {Seconds(takeover)} (kill to the last taken-over reminder's first tick from a survivor)");
        output.WriteLine($"new senders of the taken-over reminders: {string.Join(", ", takenOver.Select(i => after[i].First(t => t.FiredAt > killedAt && t.SentBy != victim).SentBy ?? "?").CountBy(s => s))}");
    }

    /// <summary>Polls the probes selected by <paramref name="which"/> until each one's ticks satisfy <paramref name="done"/>; returns every probe's ticks.</summary>
    private static async Task<IReadOnlyList<ReminderFiring>[]> WaitForFiringsAsync(
        List<IReminderProbeGrain> probes, Func<int, bool> which, string awaited, Func<IReadOnlyList<ReminderFiring>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var firings = await Task.WhenAll(probes.Select(p => p.Firings()));
            var waiting = Enumerable.Range(0, probes.Count).Where(i => which(i) && !done(firings[i])).ToList();
            if (waiting.Count == 0)
            {
                return firings;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{waiting.Count} reminder probes had no {awaited} within {timeout}: " +
                    string.Join("; ", waiting.Take(5).Select(i => $"probe-{i}: {string.Join(", ", firings[i].TakeLast(4).Select(t => $"{t.FiredAt:HH:mm:ss.fff} from {t.SentBy} on {t.HostSilo}"))}")));
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The first line of an error without what varies (grain keys, silo addresses, message ids, delays), to group failures by cause.</summary>
    private static string Kind(string error) =>
        System.Text.RegularExpressions.Regex.Replace(error.Split('\n')[0], @"[\w.-]+/[\w.-]+|S?\d+\.\d+\.\d+\.\d+:\d+[:@]\d+|#[0-9A-F]+|[\d.]+ms", "…");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
