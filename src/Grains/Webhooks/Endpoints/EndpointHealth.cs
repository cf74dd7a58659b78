namespace Granary.Grains.Webhooks.Endpoints;

/// <summary>
/// What an attempt's outcome does to an endpoint's health, as a pure function so the rules are tested without a silo.
/// <code>
///   healthy ──Failed──▶ failing (FailingSince = at) ──Success──▶ healthy (HealthyFrom = at)
///      │                    │ Failed, at - FailingSince &gt; DisableAfter
///      └──Gone──────────────┴──────────────────────────────▶ disabled (DisabledReason)
/// </code>
/// Outcomes of a disabled endpoint, and outcomes older than <see cref="StoredWebhookEndpoint.HealthyFrom"/>, change
/// nothing. Refused (the address policy said no) counts as a failure: the endpoint can't be reached.
/// </summary>
public static class EndpointHealth
{
    public const string GoneReason = "the endpoint answered 410 Gone";

    /// <summary>The endpoint after the outcome, or null when nothing changes (the common case: no allocation).</summary>
    public static StoredWebhookEndpoint? After(StoredWebhookEndpoint endpoint, WebhookSendOutcome outcome, DateTimeOffset at, TimeSpan disableAfter)
    {
        if (!endpoint.Enabled || at < endpoint.HealthyFrom)
        {
            return null;
        }
        switch (outcome)
        {
            case WebhookSendOutcome.Success:
                // A success older than the streak's first failure doesn't end it.
                return endpoint.FailingSince is not { } failing || at < failing ? null : endpoint with { FailingSince = null, HealthyFrom = at };
            case WebhookSendOutcome.Gone:
                return Disable(endpoint, GoneReason, at);
            default:
                var since = endpoint.FailingSince is { } known && known <= at ? known : at;
                if (at - since > disableAfter)
                {
                    return Disable(endpoint, StreakReason(disableAfter), at) with { FailingSince = since };
                }
                return since == endpoint.FailingSince ? null : endpoint with { FailingSince = since };
        }
    }

    /// <summary>"the endpoint failed for more than 5 days without a success".</summary>
    public static string StreakReason(TimeSpan disableAfter) => $"the endpoint failed for more than {Describe(disableAfter)} without a success";

    private static StoredWebhookEndpoint Disable(StoredWebhookEndpoint endpoint, string reason, DateTimeOffset at) =>
        endpoint with { Enabled = false, DisabledReason = reason, UpdatedAt = at };

    private static string Describe(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } when span.Ticks % TimeSpan.TicksPerDay == 0 => Plural((long)span.TotalDays, "day"),
        { TotalHours: >= 1 } when span.Ticks % TimeSpan.TicksPerHour == 0 => Plural((long)span.TotalHours, "hour"),
        { TotalMinutes: >= 1 } when span.Ticks % TimeSpan.TicksPerMinute == 0 => Plural((long)span.TotalMinutes, "minute"),
        _ => Plural((long)Math.Ceiling(span.TotalSeconds), "second"),
    };

    private static string Plural(long count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
