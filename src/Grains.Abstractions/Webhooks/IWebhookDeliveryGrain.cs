using Granary.Grains.Jobs;
using Granary.Grains.Scheduling;

namespace Granary.Grains.Webhooks;

/// <summary>
/// One delivery of one event to one endpoint, keyed "{orgId}/{deliveryId}" (<see cref="WebhookDeliveryKey"/>). The
/// delivery id is stable for an (event, endpoint) pair, is the <c>webhook-id</c> header of every attempt, and lets
/// receivers drop duplicates. The grain makes the first attempt at once through <see cref="IWebhookSenderGrain"/>,
/// then keeps a reminder due at each retry on the organization's schedule; dead after the last.
/// </summary>
[Alias("granary.IWebhookDeliveryGrain")]
public interface IWebhookDeliveryGrain : IGrainWithStringKey, IRestoresReminders
{
    /// <summary>
    /// Records the delivery and makes its first attempt; returns once the outcome (or the retry it schedules) is
    /// stored. A second call for the same delivery returns its current state and sends nothing.
    /// </summary>
    Task<WebhookDeliveryInfo> Start(NewWebhookDelivery delivery);

    /// <summary>The delivery with its attempts, or null when it was never started.</summary>
    [ReadOnly]
    Task<WebhookDeliveryInfo?> Get();

    /// <summary>A new attempt now, whatever the status (a succeeded delivery is sent again); a dead one restarts its schedule. Null when unknown.</summary>
    Task<WebhookDeliveryInfo?> Redeliver();
}

/// <param name="EventType">"order.created", …, or "webhook.test".</param>
/// <param name="Payload">The JSON body sent, fixed at creation (every attempt sends the same bytes).</param>
[GenerateSerializer, Immutable, Alias("granary.NewWebhookDelivery")]
public sealed record NewWebhookDelivery(string OrganizationId, string EndpointId, string EventId, string EventType, string Payload, DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("granary.WebhookDeliveryInfo")]
public sealed record WebhookDeliveryInfo(
    string Id,
    string OrganizationId,
    string EndpointId,
    string EventId,
    string EventType,
    JobStatus Status,
    int AttemptCount,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>One attempt in the delivery log (the response body truncated).</summary>
[GenerateSerializer, Immutable, Alias("granary.WebhookAttempt")]
public sealed record WebhookAttempt(int Number, DateTimeOffset At, WebhookSendOutcome Outcome, int? StatusCode, double LatencyMs, string? ResponseBody, string? Error);

/// <summary>Builds delivery ids and grain keys.</summary>
public static class WebhookDeliveryKey
{
    /// <summary>The stable id of delivering <paramref name="eventId"/> to <paramref name="endpointId"/>: "msg_" + both.</summary>
    public static string DeliveryId(string eventId, string endpointId) => $"msg_{eventId}_{endpointId}";

    public static string For(string organizationId, string deliveryId) => $"{organizationId}/{deliveryId}";
}
