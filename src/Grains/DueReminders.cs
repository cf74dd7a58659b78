using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Granary.Grains;

/// <summary>
/// Work due at one moment, on Orleans reminders. Orleans has no one-shot reminder and doesn't retry a failed tick, but
/// a reminder's first tick may come at any time: a due reminder ticks first at the due time, then every
/// <see cref="ReminderOptions.MinimumReminderPeriod"/> until its grain unregisters it once the work is done. Those
/// repeats retry a tick whose handling failed or whose silo died, so the work runs at least once.
/// </summary>
public static class DueReminders
{
    /// <summary>Registers (or moves) <paramref name="name"/> to tick at <paramref name="dueIn"/> from now, then every minimum period.</summary>
    public static Task<IGrainReminder> RegisterDueReminder(this Grain grain, string name, TimeSpan dueIn) =>
        grain.RegisterOrUpdateReminder(name, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, MinimumPeriod(grain));

    /// <summary>The shortest period the silo accepts for a reminder (<see cref="ReminderOptions.MinimumReminderPeriod"/>).</summary>
    public static TimeSpan MinimumPeriod(this Grain grain) =>
        grain.GrainContext.ActivationServices.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod;

    /// <summary>
    /// Registers <paramref name="name"/> due at <paramref name="dueAt"/> (at once when that has passed) unless the reminder
    /// table holds it already; 1 when it was missing and is registered now, else 0 (see <c>IRestoresReminders</c>).
    /// </summary>
    public static async Task<int> RestoreDueReminder(this Grain grain, string name, DateTimeOffset dueAt, TimeProvider time)
    {
        if (await grain.GetReminder(name) is not null)
        {
            return 0;
        }
        await grain.RegisterDueReminder(name, dueAt - time.GetUtcNow());
        return 1;
    }

    /// <summary>Removes the reminder named <paramref name="name"/> when it exists.</summary>
    public static async Task UnregisterReminder(this Grain grain, string name)
    {
        if (await grain.GetReminder(name) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
