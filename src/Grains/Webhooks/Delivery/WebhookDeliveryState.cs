using Granary.Grains.Jobs;

namespace Granary.Grains.Webhooks.Delivery;

/// <summary>
/// The stored shape of a delivery (grain type <c>webhookdelivery</c>, state <c>delivery</c>); the delivery log and
/// the jobs summary read its read-model row.
/// </summary>
public sealed record WebhookDeliveryState
{
    public bool Created { get; init; }

    /// <summary>Counts the state writes (the read-model row's revision).</summary>
    public long Revision { get; init; }

    public string Id { get; init; } = "";

    public string OrganizationId { get; init; } = "";

    public string EndpointId { get; init; } = "";

    public string EventId { get; init; } = "";

    public string EventType { get; init; } = "";

    /// <summary>The JSON body every attempt sends.</summary>
    public string Payload { get; init; } = "";

    public JobStatus Status { get; init; }

    public int AttemptCount { get; init; }

    /// <summary>Attempts made since the last manual redelivery; the retry schedule counts these.</summary>
    public int ScheduleAttempts { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The most recent attempts, oldest first (at most <see cref="WebhookDeliveryGrain.MaxLoggedAttempts"/>).</summary>
    public List<WebhookAttempt> Attempts { get; init; } = [];

    public WebhookDeliveryInfo ToInfo() => new(
        Id, OrganizationId, EndpointId, EventId, EventType, Status, AttemptCount, NextAttemptAt, CreatedAt, UpdatedAt, Attempts);
}
