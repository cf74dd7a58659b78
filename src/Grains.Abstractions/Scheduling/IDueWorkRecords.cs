namespace Granary.Grains.Scheduling;

/// <summary>The grains that may hold work due at a moment, by kind (see <see cref="IRestoresReminders"/>).</summary>
public enum DueWorkKind
{
    /// <summary>Orders still pending: auto-cancel, and the outbox of their creation.</summary>
    PendingOrders,

    /// <summary>Webhook deliveries not finished (pending or retrying).</summary>
    UnfinishedWebhookDeliveries,

    /// <summary>Email jobs not finished (pending or retrying).</summary>
    UnfinishedEmailJobs,

    /// <summary>Every stored account (its welcome email may not be handed over yet).</summary>
    Users,

    /// <summary>Every stored daily-summary schedule.</summary>
    DailySummaries,

    /// <summary>Every organization's stored webhook endpoints (disabled-endpoint notices may wait).</summary>
    WebhookEndpoints,
}

/// <summary>
/// Finds the keys of grains that may hold due work, read with SQL from the read model and grain storage, never by
/// activating grains. Keys come in key order; <c>afterKey</c> continues from the previous batch. With memory storage
/// there is nothing to query and the answer is always empty.
/// </summary>
public interface IDueWorkRecords
{
    Task<IReadOnlyList<string>> KeysAsync(DueWorkKind kind, string? afterKey, int limit, CancellationToken cancellationToken);
}
