namespace Granary.Runtime.Reminders;

/// <summary>What a grain gets back for a registered reminder.</summary>
internal sealed record ReminderHandle(string Name, DateTimeOffset DueTime, TimeSpan? Period) : IGrainReminder
{
    public static ReminderHandle From(ReminderEntry entry) => new(entry.Name, entry.DueTime, entry.Period);
}
