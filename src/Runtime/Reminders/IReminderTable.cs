namespace Granary.Runtime.Reminders;

/// <summary>
/// Durable reminder rows. Each row belongs to a bucket (a function of the grain id's hash); the silo that owns
/// a bucket claims its due rows, which moves their due time forward by a lease so no other silo fires them, then
/// completes or retries them. Every change bumps <see cref="ReminderEntry.Version"/>; complete and retry are
/// conditional on it, so a reminder re-registered while it was being fired is never overwritten.
/// </summary>
public interface IReminderTable
{
    /// <summary>The provider kind, e.g. "sqlite", "redis", "memory".</summary>
    string Kind { get; }

    /// <summary>Connects and creates the schema (idempotent).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the row (grain, name); returns it with its new version. Attempt is reset to 0.</summary>
    Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    /// <summary>Deletes the row; false when none existed.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>One row, or null.</summary>
    Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>Every row of one grain, ordered by name.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes up to <paramref name="max"/> rows of the given buckets whose due time is at or before
    /// <paramref name="dueBefore"/>, earliest first: sets their due time to <paramref name="leaseUntil"/> and bumps
    /// their version. Returns the claimed rows with their <b>original</b> due time and their <b>new</b> version.
    /// </summary>
    Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(IReadOnlyList<int> buckets, DateTimeOffset dueBefore, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Finishes a claimed tick. When the row still has the claimed version: a periodic reminder
    /// (<paramref name="nextDue"/> not null) gets that due time, attempt 0 and a new version; a one-shot reminder
    /// (<paramref name="nextDue"/> null) is deleted. Returns false (and changes nothing) when the row changed since the claim.
    /// </summary>
    Task<bool> CompleteAsync(ReminderEntry claimed, DateTimeOffset? nextDue, CancellationToken cancellationToken);

    /// <summary>Reschedules a claimed tick that failed: due time <paramref name="nextDue"/>, attempt <paramref name="attempt"/>,
    /// new version; only when the row still has the claimed version. Returns false otherwise.</summary>
    Task<bool> RetryAsync(ReminderEntry claimed, DateTimeOffset nextDue, int attempt, CancellationToken cancellationToken);

    /// <summary>Number of rows (all buckets), for statistics.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Reports whether the store answers, for /health/ready.</summary>
    Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken);
}
