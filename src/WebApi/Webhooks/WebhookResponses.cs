using Granary.Grains.Jobs;
using Granary.Grains.Webhooks;

namespace Granary.WebApi.Webhooks;

/// <summary>An endpoint on the wire, without its secret.</summary>
internal sealed record WebhookEndpointResponse(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled, string? DisabledReason,
    DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static WebhookEndpointResponse From(WebhookEndpointInfo endpoint) => new(
        endpoint.Id, endpoint.Url, endpoint.EventTypes, endpoint.Description, endpoint.Enabled, endpoint.DisabledReason,
        endpoint.FailingSince?.ToUniversalTime(), endpoint.CreatedAt.ToUniversalTime(), endpoint.UpdatedAt.ToUniversalTime());
}

/// <summary>The answer to create and rotate-secret: the only time <see cref="Secret"/> is shown.</summary>
internal sealed record WebhookEndpointWithSecretResponse(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled, string? DisabledReason,
    DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Secret)
{
    public static WebhookEndpointWithSecretResponse From(WebhookEndpointInfo endpoint, string secret)
    {
        var shown = WebhookEndpointResponse.From(endpoint);
        return new(shown.Id, shown.Url, shown.EventTypes, shown.Description, shown.Enabled, shown.DisabledReason, shown.FailingSince, shown.CreatedAt, shown.UpdatedAt, secret);
    }
}

/// <summary>A delivery and its attempts (response bodies as the delivery grain truncated them).</summary>
internal sealed record WebhookDeliveryResponse(
    string Id, string EndpointId, string EventId, string EventType, string Status, int AttemptCount, DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<WebhookAttemptResponse> Attempts)
{
    public static WebhookDeliveryResponse From(WebhookDeliveryInfo delivery) => new(
        delivery.Id, delivery.EndpointId, delivery.EventId, delivery.EventType, JobNames.Status(delivery.Status), delivery.AttemptCount,
        delivery.NextAttemptAt?.ToUniversalTime(), delivery.CreatedAt.ToUniversalTime(), delivery.UpdatedAt.ToUniversalTime(),
        [.. delivery.Attempts.Select(WebhookAttemptResponse.From)]);
}

internal sealed record WebhookAttemptResponse(int Number, DateTimeOffset At, string Outcome, int? StatusCode, double LatencyMs, string? ResponseBody, string? Error)
{
    public static WebhookAttemptResponse From(WebhookAttempt attempt) => new(
        attempt.Number, attempt.At.ToUniversalTime(), attempt.Outcome.ToString().ToLowerInvariant(), attempt.StatusCode, attempt.LatencyMs, attempt.ResponseBody, attempt.Error);
}

/// <summary>A page of deliveries; pass <see cref="NextCursor"/> as <c>cursor</c> for the next one (null on the last), as for every list.</summary>
internal sealed record WebhookDeliveryPageResponse(IReadOnlyList<WebhookDeliveryResponse> Items, string? NextCursor);

/// <summary>The answer to test and redeliver (202): the delivery to follow and where it stands.</summary>
internal sealed record DeliveryAcceptedResponse(string DeliveryId, string Status);

/// <summary>Job statuses as the API writes them.</summary>
internal static class JobNames
{
    public static string Status(JobStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Parses "dead" (any case); null for anything else, numbers included.</summary>
    public static JobStatus? ParseStatus(string? status) =>
        Enum.TryParse<JobStatus>(status, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(status, out _) ? value : null;
}
