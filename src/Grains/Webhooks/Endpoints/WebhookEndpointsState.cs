namespace Granary.Grains.Webhooks.Endpoints;

/// <summary>The stored endpoints of one organization, and the disabled-endpoint emails not yet handed to email jobs.</summary>
[GenerateSerializer, Alias("granary.state.WebhookEndpointsState")]
public sealed class WebhookEndpointsState
{
    [Id(0)]
    public List<StoredWebhookEndpoint> Endpoints { get; set; } = [];

    /// <summary>An outbox: written in the same state write as the disable, cleared once every email job has it.</summary>
    [Id(1)]
    public List<EndpointDisabledNotice> PendingNotices { get; set; } = [];
}

/// <summary>One endpoint as stored, with its signing secrets (newest first).</summary>
[GenerateSerializer, Alias("granary.state.StoredWebhookEndpoint")]
public sealed record StoredWebhookEndpoint
{
    [Id(0)]
    public string Id { get; init; } = "";

    [Id(1)]
    public string Url { get; init; } = "";

    [Id(2)]
    public List<string> EventTypes { get; init; } = [];

    [Id(3)]
    public string? Description { get; init; }

    [Id(4)]
    public bool Enabled { get; init; }

    /// <summary>Why the endpoint was disabled automatically; null when enabled or disabled by hand.</summary>
    [Id(5)]
    public string? DisabledReason { get; init; }

    /// <summary>The first failure since the last success (or since it was enabled); null while healthy.</summary>
    [Id(6)]
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Outcomes of attempts made before this instant (a success, a re-enable) are stale and change nothing.</summary>
    [Id(7)]
    public DateTimeOffset? HealthyFrom { get; init; }

    [Id(8)]
    public List<StoredSecret> Secrets { get; init; } = [];

    [Id(9)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(10)]
    public DateTimeOffset UpdatedAt { get; init; }

    public WebhookEndpointInfo ToInfo(string organizationId) =>
        new(Id, organizationId, Url, EventTypes, Description, Enabled, DisabledReason, FailingSince, CreatedAt, UpdatedAt);
}

/// <summary>A signing secret; a rotated-out one keeps signing until <see cref="ExpiresAt"/>.</summary>
[GenerateSerializer, Alias("granary.state.StoredSecret")]
public sealed record StoredSecret(string Value, DateTimeOffset? ExpiresAt)
{
    public bool IsValidAt(DateTimeOffset now) => ExpiresAt is not { } expires || expires > now;
}

/// <summary>One email to one owner about a disabled endpoint; <see cref="JobId"/> makes the hand-over idempotent.</summary>
[GenerateSerializer, Alias("granary.state.EndpointDisabledNotice")]
public sealed record EndpointDisabledNotice(string JobId, string To, string EndpointUrl, string Reason);
