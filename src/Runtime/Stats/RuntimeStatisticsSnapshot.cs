namespace Granary.Runtime.Stats;

/// <summary>Everything a silo counts, at one moment; what the dashboard and /metrics read.</summary>
/// <param name="TakenAt">When the snapshot was taken.</param>
/// <param name="Methods">Per grain type and method: calls, errors, latency.</param>
/// <param name="Activations">Live activations per grain type.</param>
/// <param name="Reminders">Reminder counters.</param>
public sealed record RuntimeStatisticsSnapshot(
    DateTimeOffset TakenAt,
    IReadOnlyList<GrainMethodSnapshot> Methods,
    IReadOnlyList<ActivationCountSnapshot> Activations,
    ReminderStatisticsSnapshot Reminders)
{
    /// <summary>Total live activations.</summary>
    public long TotalActivations => Activations.Sum(a => a.Count);
}

/// <summary>One method of one grain type.</summary>
public sealed record GrainMethodSnapshot(string GrainType, string InterfaceName, string MethodName, long Calls, long Errors, LatencySnapshot Latency);

/// <summary>Live activations of one grain type.</summary>
public sealed record ActivationCountSnapshot(string GrainType, long Count);

/// <summary>Reminder counters of one silo.</summary>
/// <param name="Registered">Rows in the reminder table at the last count (-1 before the first).</param>
/// <param name="Fired">Ticks delivered successfully.</param>
/// <param name="Failed">Ticks whose ReceiveReminder threw or timed out.</param>
/// <param name="Abandoned">One-shot reminders dropped after their last retry.</param>
/// <param name="Lateness">Delay between a tick's due time and its delivery.</param>
public sealed record ReminderStatisticsSnapshot(long Registered, long Fired, long Failed, long Abandoned, LatencySnapshot Lateness);
