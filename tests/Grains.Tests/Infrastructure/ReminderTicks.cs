using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Infrastructure;

/// <summary>
/// Reminders as the tests see them. Orleans fires reminders on real time, so a test about what a tick does reads the
/// reminder's row in the silo's reminder table (proof that it is registered), then delivers the tick itself through
/// <see cref="IRemindable"/> after moving the grains' fake clock, as the reminder service would.
/// </summary>
public static class ReminderTicks
{
    /// <summary>The grain's reminder as stored in the reminder table, or null when none is registered.</summary>
    public static Task<ReminderEntry?> ReminderAsync(this GranaryCluster cluster, IAddressable grain, string name) =>
        cluster.SiloServices.GetRequiredService<IReminderTable>().ReadRow(grain.GetGrainId(), name);

    /// <summary>Delivers one tick of the registered reminder <paramref name="name"/>; fails when it is not registered.</summary>
    public static async Task TickAsync(this GranaryCluster cluster, IAddressable grain, string name)
    {
        var reminder = await cluster.ReminderAsync(grain, name);
        Assert.True(reminder is not null, $"{grain.GetGrainId()} has no reminder '{name}' to tick.");
        var now = cluster.Time.GetUtcNow().UtcDateTime;
        await cluster.Grains.GetGrain<IRemindable>(grain.GetGrainId()).ReceiveReminder(name, new TickStatus(reminder.StartAt, reminder.Period, now));
    }

    /// <summary>Waits until the grain's reminder <paramref name="name"/> is gone from the table; fails after 10 s.</summary>
    public static Task WaitForNoReminderAsync(this GranaryCluster cluster, IAddressable grain, string name) =>
        Poll.UntilAsync(async () => await cluster.ReminderAsync(grain, name) is null, $"reminder '{name}' of {grain.GetGrainId()} to be removed");
}
