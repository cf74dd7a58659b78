using Granary.Grains.Scheduling;

namespace Granary.Grains.Webhooks;

/// <summary>
/// The outbound webhook endpoints of one organization (keyed by organization id): CRUD, the subscriptions the event
/// dispatcher matches, and each endpoint's health (a 410 or a failure streak longer than
/// WebhookOptions.DisableAfter disables it and emails the organization's owners).
/// </summary>
[Alias("granary.IWebhookEndpointsGrain")]
public interface IWebhookEndpointsGrain : IGrainWithStringKey, IRestoresReminders
{
    /// <summary>Creates an endpoint (enabled unless the request says otherwise); throws <see cref="WebhookEndpointLimitException"/> past the per-organization limit.</summary>
    Task<WebhookEndpointInfo> Create(NewWebhookEndpoint endpoint);

    [ReadOnly]
    Task<IReadOnlyList<WebhookEndpointInfo>> List();

    [ReadOnly]
    Task<WebhookEndpointInfo?> Get(string endpointId);

    /// <summary>Changes the given fields (null = unchanged); re-enabling clears the failure streak. Null when unknown.</summary>
    Task<WebhookEndpointInfo?> Update(string endpointId, WebhookEndpointUpdate update);

    /// <summary>Replaces the secret; the old one keeps signing alongside the new one for 24 hours. Null when unknown.</summary>
    Task<WebhookEndpointInfo?> RotateSecret(string endpointId, string newSecret);

    /// <summary>False when unknown.</summary>
    Task<bool> Delete(string endpointId);

    /// <summary>Enabled endpoints whose filter takes this event type (an empty filter or "*" takes every type).</summary>
    [ReadOnly]
    Task<IReadOnlyList<WebhookTarget>> Matching(string eventType);

    /// <summary>Whether <see cref="Matching"/> would find an endpoint (asked before an order records an event).</summary>
    [ReadOnly]
    Task<bool> AnyMatching(string eventType);

    /// <summary>Where and how to send for one endpoint now (current URL and signing secrets); null when deleted.</summary>
    [ReadOnly]
    Task<WebhookTarget?> GetTarget(string endpointId);

    /// <summary>
    /// Records what an attempt to this endpoint came to. Success ends a failure streak; Gone disables at once;
    /// Failed starts or continues the streak and disables the endpoint (and emails the owners) once the streak is
    /// longer than WebhookOptions.DisableAfter. Writes state only when something changes.
    /// </summary>
    Task RecordOutcome(string endpointId, WebhookSendOutcome outcome, DateTimeOffset at);
}

/// <summary>What creating an endpoint takes; <see cref="Secret"/> is "whsec_…" (made by the API, shown once).</summary>
[GenerateSerializer, Immutable, Alias("granary.NewWebhookEndpoint")]
public sealed record NewWebhookEndpoint(string Id, string Url, IReadOnlyList<string> EventTypes, string? Description, bool Enabled, string Secret);

/// <summary>Null fields stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("granary.WebhookEndpointUpdate")]
public sealed record WebhookEndpointUpdate(string? Url = null, IReadOnlyList<string>? EventTypes = null, string? Description = null, bool? Enabled = null);

/// <summary>An endpoint as callers see it (never its secret).</summary>
[GenerateSerializer, Immutable, Alias("granary.WebhookEndpointInfo")]
public sealed record WebhookEndpointInfo(
    string Id,
    string OrganizationId,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? Description,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset? FailingSince,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What a delivery needs to send to an endpoint: its URL and the secrets to sign with (newest first).</summary>
[GenerateSerializer, Immutable, Alias("granary.WebhookTarget")]
public sealed record WebhookTarget(string EndpointId, string Url, bool Enabled, IReadOnlyList<string> Secrets);

/// <summary>An organization has as many endpoints as it may have.</summary>
[GenerateSerializer, Alias("granary.WebhookEndpointLimitException")]
public sealed class WebhookEndpointLimitException(string message) : Exception(message);
