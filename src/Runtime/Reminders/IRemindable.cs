namespace Granary.Runtime;

/// <summary>Implemented by grain classes that register durable reminders; each tick arrives here as a grain call.</summary>
public interface IRemindable : IGrain
{
    /// <summary>
    /// Handles one tick. Throwing (or timing out) makes a one-shot reminder retry with backoff; a periodic reminder
    /// goes on with its next period.
    /// </summary>
    Task ReceiveReminder(string reminderName, ReminderTick tick);
}

/// <summary>Identifies a registered reminder.</summary>
public interface IGrainReminder
{
    /// <summary>The reminder's name, unique per grain.</summary>
    string Name { get; }

    /// <summary>When the next tick is due (UTC).</summary>
    DateTimeOffset DueTime { get; }

    /// <summary>The period, or null for a one-shot reminder.</summary>
    TimeSpan? Period { get; }
}

/// <summary>What a grain learns about the tick it receives.</summary>
/// <param name="DueTime">When the tick was due (UTC). Compare with the current time to see how late it is.</param>
/// <param name="Attempt">1 for the first delivery of this tick, 2 for the first retry, and so on.</param>
/// <param name="Period">The reminder's period; null for a one-shot reminder.</param>
public sealed record ReminderTick(DateTimeOffset DueTime, int Attempt, TimeSpan? Period);
