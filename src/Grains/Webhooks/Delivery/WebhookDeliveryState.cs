using Granary.Grains.Jobs;

namespace Granary.Grains.Webhooks.Delivery;

/// <summary>
/// The stored shape of a delivery (grain type <c>webhookdelivery</c>, state <c>delivery</c>); the delivery log and
/// the jobs summary read its read-model row.
/// </summary>
[GenerateSerializer, Alias("granary.state.WebhookDeliveryState")]
public sealed record WebhookDeliveryState
{
    [Id(0)]
    public bool Created { get; init; }

    /// <summary>Counts the state writes (the read-model row's revision).</summary>
    [Id(1)]
    public long Revision { get; init; }

    [Id(2)]
    public string Id { get; init; } = "";

    [Id(3)]
    public string OrganizationId { get; init; } = "";

    [Id(4)]
    public string EndpointId { get; init; } = "";

    [Id(5)]
    public string EventId { get; init; } = "";

    [Id(6)]
    public string EventType { get; init; } = "";

    /// <summary>The JSON body every attempt sends.</summary>
    [Id(7)]
    public string Payload { get; init; } = "";

    [Id(8)]
    public JobStatus Status { get; init; }

    [Id(9)]
    public int AttemptCount { get; init; }

    /// <summary>Attempts made since the last manual redelivery; the retry schedule counts these.</summary>
    [Id(10)]
    public int ScheduleAttempts { get; init; }

    [Id(11)]
    public DateTimeOffset? NextAttemptAt { get; init; }

    [Id(12)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(13)]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The most recent attempts, oldest first (at most <see cref="WebhookDeliveryGrain.MaxLoggedAttempts"/>).</summary>
    [Id(14)]
    public List<WebhookAttempt> Attempts { get; init; } = [];

    public WebhookDeliveryInfo ToInfo() => new(
        Id, OrganizationId, EndpointId, EventId, EventType, Status, AttemptCount, NextAttemptAt, CreatedAt, UpdatedAt, Attempts);
}
