namespace Granary.Grains.Webhooks.Endpoints;

/// <summary>The stored endpoints of one organization, and the disabled-endpoint emails not yet handed to email jobs.</summary>
public sealed class WebhookEndpointsState
{
    public List<StoredWebhookEndpoint> Endpoints { get; set; } = [];

    /// <summary>An outbox: written in the same state write as the disable, cleared once every email job has it.</summary>
    public List<EndpointDisabledNotice> PendingNotices { get; set; } = [];
}

/// <summary>One endpoint as stored, with its signing secrets (newest first).</summary>
public sealed record StoredWebhookEndpoint
{
    public string Id { get; init; } = "";

    public string Url { get; init; } = "";

    public IReadOnlyList<string> EventTypes { get; init; } = [];

    public string? Description { get; init; }

    public bool Enabled { get; init; }

    /// <summary>Why the endpoint was disabled automatically; null when enabled or disabled by hand.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>The first failure since the last success (or since it was enabled); null while healthy.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Outcomes of attempts made before this instant (a success, a re-enable) are stale and change nothing.</summary>
    public DateTimeOffset? HealthyFrom { get; init; }

    public IReadOnlyList<StoredSecret> Secrets { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public WebhookEndpointInfo ToInfo(string organizationId) =>
        new(Id, organizationId, Url, EventTypes, Description, Enabled, DisabledReason, FailingSince, CreatedAt, UpdatedAt);
}

/// <summary>A signing secret; a rotated-out one keeps signing until <see cref="ExpiresAt"/>.</summary>
public sealed record StoredSecret(string Value, DateTimeOffset? ExpiresAt)
{
    public bool IsValidAt(DateTimeOffset now) => ExpiresAt is not { } expires || expires > now;
}

/// <summary>One email to one owner about a disabled endpoint; <see cref="JobId"/> makes the hand-over idempotent.</summary>
public sealed record EndpointDisabledNotice(string JobId, string To, string EndpointUrl, string Reason);
