using System.Diagnostics;
using System.Globalization;
using Granary.Cluster.Tests.Grains;
using Granary.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>Failure detection with the silo's default timings (nothing configured), as a production cluster runs.</summary>
public sealed class DefaultDetectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long the table is watched after the freeze ends: the I-am-alive and probe answers the frozen silo owes have
    /// arrived well within it (I-am-alive every 2 s, probes every 1 s), so a death caused by the freeze would show.
    /// </summary>
    private static readonly TimeSpan Aftermath = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SiloFrozenForThreeSeconds_IsNotDeclaredDead_AndItsGrainsAnswerAfterwards()
    {
        await using var cluster = await SiloCluster.StartAsync(2, DetectionTimings.Defaults);
        try
        {
            var frozen = cluster.Running[1];
            var grains = cluster.Client.GrainFactory;
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
            await frozen.WaitReadyAsync(TimeSpan.FromSeconds(5));
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    [Fact]
    public async Task KilledSilo_IsDeclaredDeadWithinTenSeconds_AndItsGrainsAnswerOnTheSurvivors()
    {
        await using var cluster = await SiloCluster.StartAsync(2, DetectionTimings.Defaults);
        try
        {
            var victim = cluster.Running[1];
            var grains = cluster.Client.GrainFactory;
            var keys = await KeysLivingOnAsync(cluster, victim.Name, count: 5);
            foreach (var key in keys)
            {
                Assert.Equal(1, await grains.GetGrain<ICounterGrain>(key).Increment());
            }

            var killedAt = DateTimeOffset.UtcNow;
            await victim.KillAsync();
            cluster.Running.Remove(victim);
            var declaredDead = await cluster.WaitForStatusAsync(victim.Name, "Dead", TimeSpan.FromSeconds(30)) - killedAt;
            output.WriteLine($"dead_detection_default_s: {Seconds(declaredDead)} (kill -9 to a Dead membership row, default timings)");

            Assert.True(declaredDead <= TimeSpan.FromSeconds(10), $"{victim.Name} was declared Dead {Seconds(declaredDead)} s after the kill; the limit with default timings is 10 s.");
            await cluster.WaitForMembersAsync(TimeSpan.FromSeconds(10));
            foreach (var key in keys)
            {
                Assert.Equal(2, await grains.GetGrain<ICounterGrain>(key).Increment());
                Assert.NotEqual(victim.Name, await grains.GetGrain<ICounterGrain>(key).SiloName());
            }
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
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
            if (await cluster.Client.GrainFactory.GetGrain<ICounterGrain>(key).SiloName() == siloName)
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

    private static async Task<(int Value, TimeSpan Elapsed)> TimedAsync(Func<Task<int>> call)
    {
        var started = Stopwatch.StartNew();
        var value = await call();
        return (value, started.Elapsed);
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
