using System.Diagnostics;
using System.Globalization;
using Granary.Cluster.Tests.Grains;
using Granary.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>
/// Failure detection with src/Hosting's default timings (nothing configured), as a production cluster runs: probes
/// every 2 s (Granary:Cluster:ProbeTimeout), a vote after 3 missed (2 direct, then one through another silo), 2 votes.
/// </summary>
public sealed class DefaultDetectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(3);

    /// <summary>The promise: a killed silo is declared dead, and calls to its grains succeed again, within 10 s.</summary>
    private static readonly TimeSpan CallsAnswerLimit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the table is watched after the freeze ends: two probe periods (2 s each), by which every probe that
    /// failed during the freeze has been followed by one that succeeded, or has become a vote; a death the freeze caused would show.
    /// </summary>
    private static readonly TimeSpan Aftermath = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SiloFrozenForThreeSeconds_IsNotDeclaredDead_AndItsGrainsAnswerAfterwards()
    {
        await using var cluster = await SiloCluster.StartAsync(2, DetectionTimings.Defaults);
        try
        {
            var frozen = cluster.Running[1];
            var grains = cluster.TestSilo.Grains;
            var keys = await KeysLivingOnAsync(cluster, frozen.Name, count: 5);
            foreach (var key in keys)
            {
                Assert.Equal(1, await grains.GetGrain<ICounterGrain>(key).Increment());
            }

            frozen.Pause();
            var frozenAt = Stopwatch.StartNew();
            var duringFreeze = keys.Select(k => TimedAsync(() => grains.GetGrain<ICounterGrain>(k).Increment())).ToList();
            var seen = new List<MembershipRow>();
            try
            {
                // The freeze is the scenario: the silo stays stopped for exactly this long.
                await WatchAsync(cluster, frozen.Name, Freeze, seen);
            }
            finally
            {
                frozen.Resume();
            }
            await WatchAsync(cluster, frozen.Name, Aftermath, seen);

            var answers = await Task.WhenAll(duringFreeze);
            var afterwards = await Task.WhenAll(keys.Select(k => grains.GetGrain<ICounterGrain>(k).Increment()));
            output.WriteLine($"{frozen.Name} frozen (SIGSTOP) for {Freeze.TotalSeconds} s; rows seen during and {Aftermath.TotalSeconds} s after: " +
                $"{string.Join(", ", seen.Select(r => r.Status).Distinct())}, at most {seen.Max(r => r.Suspicions)} suspicions");
            output.WriteLine($"calls made during the freeze answered after {string.Join(", ", answers.Select(a => Seconds(a.Elapsed)))} s");

            Assert.All(seen, row => Assert.Equal("Active", row.Status));
            Assert.False(frozen.HasExited, $"{frozen.Name} exited after the freeze. Output:\n{frozen.OutputTail(40)}");
            Assert.All(answers, a => Assert.Equal(2, a.Value));
            Assert.All(afterwards, value => Assert.Equal(3, value));
            Assert.Equal(System.Net.HttpStatusCode.OK, await ReadyStatusAsync(frozen));
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    [Fact]
    public async Task KilledSilo_IsDeclaredDead_AndItsGrainsAnswerOnTheSurvivors_WithinTenSeconds()
    {
        await using var cluster = await SiloCluster.StartAsync(2, DetectionTimings.Defaults);
        try
        {
            var victim = cluster.Running[1];
            var grains = cluster.TestSilo.Grains;
            var keys = await KeysLivingOnAsync(cluster, victim.Name, count: 5);
            foreach (var key in keys)
            {
                Assert.Equal(1, await grains.GetGrain<ICounterGrain>(key).Increment());
            }

            var killedAt = DateTimeOffset.UtcNow;
            await victim.KillAsync();
            cluster.Running.Remove(victim);
            // Every victim counter is called again at once and retried until it answers: what a caller sees of the crash.
            var answering = keys.Select(k => AnswerAgainAsync(grains.GetGrain<ICounterGrain>(k), killedAt)).ToList();
            var declaredDead = await cluster.WaitForStatusAsync(victim.Name, "Dead", TimeSpan.FromSeconds(30)) - killedAt;
            var answers = await Task.WhenAll(answering);
            var answered = answers.Max(a => a.After);
            output.WriteLine($"dead_detection_default_s: {Seconds(declaredDead)} (kill -9 to a Dead membership row, default timings)");
            output.WriteLine($"calls_answered_default_s: {Seconds(answered)} (kill to every victim counter incremented on a survivor; {answers.Sum(a => a.Failures)} failed attempts before)");

            Assert.True(declaredDead <= CallsAnswerLimit, $"{victim.Name} was declared Dead {Seconds(declaredDead)} s after the kill; the limit with default timings is {CallsAnswerLimit.TotalSeconds} s.");
            Assert.True(answered <= CallsAnswerLimit, $"The victim's counters answered again {Seconds(answered)} s after the kill; the limit is {CallsAnswerLimit.TotalSeconds} s. Last errors: {string.Join(" | ", answers.Select(a => a.LastError).OfType<string>().Take(3))}");
            Assert.All(answers, a => Assert.Equal(2, a.Value));
            foreach (var key in keys)
            {
                Assert.NotEqual(victim.Name, await grains.GetGrain<ICounterGrain>(key).SiloName());
            }
            await cluster.WaitForMembersAsync(TimeSpan.FromSeconds(10));
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    /// <summary>
    /// Increments <paramref name="counter"/> until a call succeeds, a moment after each failure; a failed call never
    /// reached the counter (its silo was gone), so the first success is its second increment.
    /// </summary>
    private static async Task<(int Value, TimeSpan After, int Failures, string? LastError)> AnswerAgainAsync(ICounterGrain counter, DateTimeOffset killedAt)
    {
        var deadline = killedAt + TimeSpan.FromSeconds(30);
        string? lastError = null;
        for (var failures = 0; ; failures++)
        {
            try
            {
                var value = await counter.Increment();
                return (value, DateTimeOffset.UtcNow - killedAt, failures, lastError);
            }
            catch (Exception ex) when (DateTimeOffset.UtcNow < deadline)
            {
                lastError = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary><paramref name="count"/> fresh counter keys whose grains live on <paramref name="siloName"/>.</summary>
    private static async Task<List<string>> KeysLivingOnAsync(SiloCluster cluster, string siloName, int count)
    {
        var found = new List<string>();
        for (var i = 0; found.Count < count; i++)
        {
            Assert.True(i < 200, $"Fewer than {count} of 200 counters live on {siloName}.");
            var key = $"{cluster.RunId}-counter-{i}";
            if (await cluster.TestSilo.Grains.GetGrain<ICounterGrain>(key).SiloName() == siloName)
            {
                found.Add(key);
            }
        }
        return found;
    }

    /// <summary>Reads the silo's membership row every 100 ms for <paramref name="duration"/>.</summary>
    private static async Task WatchAsync(SiloCluster cluster, string siloName, TimeSpan duration, List<MembershipRow> seen)
    {
        var watching = Stopwatch.StartNew();
        while (watching.Elapsed < duration)
        {
            seen.Add(await cluster.Membership.FindAsync(siloName) ?? throw new InvalidOperationException($"{siloName} has no membership row."));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private static async Task<System.Net.HttpStatusCode> ReadyStatusAsync(SiloProcess silo)
    {
        using var http = silo.CreateClient();
        using var response = await http.GetAsync("/health/ready");
        return response.StatusCode;
    }

    private static async Task<(int Value, TimeSpan Elapsed)> TimedAsync(Func<Task<int>> call)
    {
        var started = Stopwatch.StartNew();
        var value = await call();
        return (value, started.Elapsed);
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
