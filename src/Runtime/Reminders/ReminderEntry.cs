namespace Granary.Runtime.Reminders;

/// <summary>One durable reminder as stored.</summary>
public sealed record ReminderEntry
{
    /// <summary>The grain the reminder belongs to.</summary>
    public required GrainId GrainId { get; init; }

    /// <summary>The reminder's name, unique per grain.</summary>
    public required string Name { get; init; }

    /// <summary>The bucket the row lives in: <c>GrainId.Hash % bucket count</c>.</summary>
    public required int Bucket { get; init; }

    /// <summary>When the next tick is due (UTC). While a tick is claimed, the end of the claim's lease.</summary>
    public required DateTimeOffset DueTime { get; init; }

    /// <summary>The period of a periodic reminder; null for a one-shot reminder.</summary>
    public TimeSpan? Period { get; init; }

    /// <summary>How many times the current tick has already been attempted and failed (0 for a fresh tick).</summary>
    public int Attempt { get; init; }

    /// <summary>Bumped by every change; complete and retry are conditional on it.</summary>
    public long Version { get; init; }
}
