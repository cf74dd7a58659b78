using System.Globalization;
using Granary.Runtime.Reminders;
using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Tests.Runtime;

/// <summary>Durable reminders through grains, against each reminder table.</summary>
public abstract class ReminderTests
{
    protected abstract Task<TestReminders> RemindersAsync();

    protected Task<TestCluster> StartAsync(EventLog log, Action<ReminderOptions>? reminders = null) =>
        ClusterFactory.StartAsync(log, o =>
        {
            o.Reminders = RemindersAsync().GetAwaiter().GetResult();
            o.ConfigureReminders = r =>
            {
                r.PollInterval = TimeSpan.FromMilliseconds(200);
                r.LeaseDuration = TimeSpan.FromSeconds(5);
                r.RetryBackoffBase = TimeSpan.FromMilliseconds(100);
                reminders?.Invoke(r);
            };
        });

    private static IReadOnlyList<Tick> Ticks(EventLog log, string key) =>
        log.Entries.Where(e => e.StartsWith($"tick {key} ", StringComparison.Ordinal)).Select(Tick.Parse).ToList();

    [Fact]
    public async Task OneShotReminder_FiresOnceAtItsDueTime_AndIsRemoved()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"once-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>(key);
        var registered = DateTimeOffset.UtcNow;

        await grain.RegisterOneShot("wake-up", TimeSpan.FromSeconds(1));
        Assert.Equal(["wake-up"], await grain.ReminderNames());
        await log.WaitUntilAsync(e => e.Any(x => x.StartsWith($"tick {key} ", StringComparison.Ordinal)), "the one-shot tick");
        await WaitForNoRemindersAsync(grain);

        var tick = Assert.Single(Ticks(log, key));
        Assert.Equal(1, tick.Attempt);
        // Stored due times keep whole milliseconds.
        Assert.InRange(tick.Due - registered, TimeSpan.FromSeconds(0.999), TimeSpan.FromSeconds(2));
        Assert.True(tick.At >= tick.Due, "a reminder never fires before it is due");
        Assert.True(tick.At - tick.Due < TimeSpan.FromSeconds(1), $"lateness {tick.At - tick.Due}");
    }

    [Fact]
    public async Task PeriodicReminder_FiresOnItsSchedule_UntilUnregistered()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"periodic-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>(key);

        await grain.RegisterPeriodic("heartbeat", TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));
        await log.WaitUntilAsync(_ => Ticks(log, key).Count >= 3, "three periodic ticks");
        await grain.Unregister("heartbeat");

        var ticks = Ticks(log, key);
        for (var i = 1; i < ticks.Count; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(1), ticks[i].Due - ticks[i - 1].Due);
            Assert.Equal(1, ticks[i].Attempt);
        }
        Assert.Empty(await grain.ReminderNames());
    }

    [Fact]
    public async Task FailingOneShotReminder_IsRetriedWithBackoff_UntilItSucceeds()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"retry-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.FailNext(2);

        await grain.RegisterOneShot("flaky", TimeSpan.FromMilliseconds(100));
        await log.WaitUntilAsync(_ => Ticks(log, key).Count >= 3, "three attempts");
        await WaitForNoRemindersAsync(grain);

        var ticks = Ticks(log, key);
        Assert.Equal([1, 2, 3], ticks.Select(t => t.Attempt));
        Assert.True(ticks[0].Due < ticks[1].Due && ticks[1].Due < ticks[2].Due, "each retry is scheduled later than the attempt before");
        Assert.All(ticks, t => Assert.True(t.At >= t.Due, "no attempt runs before it is due"));
        // The wait chosen after each failure: from the failed attempt to the retry's due time. Measured on due times, not
        // on when the retries happened to run, which a busy machine delays by any amount.
        Assert.True(ticks[2].Due - ticks[1].At >= ticks[1].Due - ticks[0].At + TimeSpan.FromMilliseconds(30), "the backoff grows (100 ms, then 200 ms)");
    }

    [Fact]
    public async Task OneShotReminder_ThatKeepsFailing_IsAbandonedAfterMaxAttempts()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log, r => r.MaxAttempts = 3);
        var key = $"abandon-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>(key);
        await grain.FailNext(100);

        await grain.RegisterOneShot("doomed", TimeSpan.Zero);
        await log.WaitUntilAsync(_ => Ticks(log, key).Count >= 3, "three attempts");
        await WaitForNoRemindersAsync(grain);

        Assert.Equal([1, 2, 3], Ticks(log, key).Select(t => t.Attempt));
        Assert.Equal(1, cluster.Primary.Statistics.GetSnapshot().Reminders.Abandoned);
    }

    [Fact]
    public async Task PeriodicReminder_ThatMissedTicks_FiresOnceLate_ThenResumesItsPeriod()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"missed-{Guid.NewGuid():N}";
        var table = cluster.ServicesOf(cluster.Primary).GetRequiredService<ReminderService>().Table;
        var grainId = new GrainId("reminder", key);
        var missedSince = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(-10.5).ToUnixTimeMilliseconds());

        // As left by a cluster that was down for ten periods: due long ago.
        await table.UpsertAsync(new ReminderEntry { GrainId = grainId, Name = "hourly", Bucket = cluster.ServicesOf(cluster.Primary).GetRequiredService<ReminderService>().BucketOf(grainId), DueTime = missedSince, Period = TimeSpan.FromSeconds(1) }, CancellationToken.None);
        await log.WaitUntilAsync(_ => Ticks(log, key).Count >= 2, "the late tick and the next one on schedule");

        var ticks = Ticks(log, key);
        Assert.Equal(missedSince, ticks[0].Due);
        Assert.Single(ticks, t => t.Due < ticks[0].At - TimeSpan.FromSeconds(1));
        var gap = ticks[1].Due - missedSince;
        Assert.Equal(0, gap.Ticks % TimeSpan.FromSeconds(1).Ticks);
        Assert.True(ticks[1].Due > ticks[0].At, "after the late tick the schedule resumes in the future");
    }

    [Fact]
    public async Task ReminderDueWhileTheSiloWasStopped_FiresAfterItStartsAgain()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"downtime-{Guid.NewGuid():N}";
        await cluster.GrainFactory.GetGrain<IReminderGrain>(key).RegisterOneShot("while-down", TimeSpan.FromSeconds(1));
        var due = DateTimeOffset.UtcNow.AddSeconds(1);

        await cluster.StopSiloAsync(cluster.Primary);
        Assert.Empty(Ticks(log, key));
        // The silo stays down past the due time: that is the situation under test.
        await Task.Delay(due - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
        var restartedAt = DateTimeOffset.UtcNow;
        await cluster.StartAdditionalSiloAsync();

        await log.WaitUntilAsync(_ => Ticks(log, key).Count >= 1, "the tick after restart");
        var tick = Assert.Single(Ticks(log, key));
        Assert.True(tick.Due < restartedAt, "the tick came due while no silo was running");
        Assert.True(tick.At >= restartedAt, "and fired once a silo ran again");
        await WaitForNoRemindersAsync(cluster.GrainFactory.GetGrain<IReminderGrain>(key));
    }

    [Fact]
    public async Task RegisteringAgain_ReplacesTheReminder()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"replace-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>(key);

        await grain.RegisterOneShot("later", TimeSpan.FromHours(1));
        await grain.RegisterOneShot("later", TimeSpan.FromMilliseconds(200));

        await log.WaitUntilAsync(_ => Ticks(log, key).Count >= 1, "the replaced tick");
        await WaitForNoRemindersAsync(grain);
        Assert.Single(Ticks(log, key));
    }

    private static async Task WaitForNoRemindersAsync(IReminderGrain grain)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await grain.ReminderNames()).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Waited for the reminder row to be removed after its last tick.");
            }
            await Task.Delay(20);
        }
    }

    private sealed record Tick(int Attempt, DateTimeOffset Due, DateTimeOffset At)
    {
        // "tick {key} {name} attempt {n} due {due:O} at {at:O}"
        public static Tick Parse(string entry)
        {
            var parts = entry.Split(' ');
            return new Tick(
                int.Parse(parts[4], CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(parts[6], CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(parts[8], CultureInfo.InvariantCulture));
        }
    }
}

public sealed class MemoryReminderTests : ReminderTests
{
    protected override Task<TestReminders> RemindersAsync() => Task.FromResult(TestReminders.Memory);
}

public sealed class SqliteReminderTests : ReminderTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<TestReminders> RemindersAsync() => Task.FromResult(TestReminders.Sqlite(_directory.File("reminders.db")));

    public void Dispose() => _directory.Dispose();
}

public sealed class RedisReminderTests : ReminderTests
{
    protected override async Task<TestReminders> RemindersAsync()
    {
        await TestServices.RequireRedisAsync();
        return TestReminders.Redis(TestServices.RedisConfiguration, $"t{Guid.NewGuid():N}");
    }
}
