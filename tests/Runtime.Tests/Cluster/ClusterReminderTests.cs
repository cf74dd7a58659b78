using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Infrastructure;
using Granary.Runtime.Tests.Runtime;

namespace Granary.Runtime.Tests.Cluster;

public sealed class ClusterReminderTests
{
    private static Task<TestCluster> StartAsync(EventLog log) =>
        ClusterFactory.StartAsync(log, o =>
        {
            o.SiloCount = 3;
            o.Reminders = TestReminders.Redis(TestServices.RedisConfiguration, $"t{Guid.NewGuid():N}");
            o.ConfigureReminders = r =>
            {
                r.PollInterval = TimeSpan.FromMilliseconds(200);
                r.LeaseDuration = TimeSpan.FromSeconds(3);
            };
        });

    [Fact]
    public async Task Reminders_FireOnceEach_AcrossTheCluster()
    {
        await TestServices.RequireRedisAsync();
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var keys = Enumerable.Range(0, 40).Select(i => $"cluster-once-{i}").ToList();

        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            await cluster.Silos[i % 3].GrainFactory.GetGrain<IReminderGrain>(key).RegisterOneShot("ping", TimeSpan.FromMilliseconds(500));
        }

        await log.WaitUntilAsync(e => keys.All(k => e.Any(x => x.StartsWith($"tick {k} ", StringComparison.Ordinal))), "a tick for every grain");
        foreach (var key in keys)
        {
            await WaitForNoRemindersAsync(cluster.GrainFactory.GetGrain<IReminderGrain>(key));
        }
        Assert.All(keys, k => Assert.Equal(1, log.CountStartingWith($"tick {k} ")));
    }

    [Fact]
    public async Task RemindersOfAKilledSilo_FireOnTheSurvivors()
    {
        await TestServices.RequireRedisAsync();
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var keys = Enumerable.Range(0, 40).Select(i => $"takeover-{i}").ToList();
        foreach (var key in keys)
        {
            await cluster.GrainFactory.GetGrain<IReminderGrain>(key).RegisterOneShot("after-crash", TimeSpan.FromSeconds(2));
        }

        await cluster.KillSiloAsync(cluster.Silos[2]);

        await log.WaitUntilAsync(e => keys.All(k => e.Any(x => x.StartsWith($"tick {k} ", StringComparison.Ordinal))), "a tick for every grain after the kill", TimeSpan.FromSeconds(30));
        Assert.All(keys, k => Assert.True(log.CountStartingWith($"tick {k} ") >= 1));
    }

    private static async Task WaitForNoRemindersAsync(IReminderGrain grain)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await grain.ReminderNames()).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Waited for the reminder row to be removed after its tick.");
            }
            await Task.Delay(20);
        }
    }
}
