using Granary.Grains.Jobs;

namespace Granary.Grains.Webhooks;

/// <summary>Outbound webhooks (configuration section <c>Granary:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Waits between attempts (see <see cref="RetrySchedule"/>); unset means <see cref="RetrySchedule.WebhookDefault"/>.
    /// Null rather than the default array: the configuration binder appends configured items to an existing array,
    /// so "Webhooks:RetryDelays:0" would otherwise add an eighth delay instead of replacing the schedule.
    /// </summary>
    public TimeSpan[]? RetryDelays { get; set; }

    /// <summary>A whole attempt (connect, send, read the capped response) must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Response bytes read at most; the rest is not read.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Characters of the response body kept in the delivery log.</summary>
    public int MaxLoggedResponseChars { get; set; } = 1024;

    /// <summary>An endpoint failing without a success for this long is disabled and its owners are emailed.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>Endpoints an organization may have.</summary>
    public int MaxEndpointsPerOrganization { get; set; } = 20;

    /// <summary>
    /// Targets allowed although they resolve to loopback, private, link-local or metadata addresses: CIDR ranges
    /// ("127.0.0.0/8", "10.1.2.3/32") or host names ("receiver.internal"). Empty by default: such targets are refused.
    /// </summary>
    public string[] AllowedTargets { get; set; } = [];

    public RetrySchedule Schedule => RetryDelays is { Length: > 0 } delays ? new(delays) : RetrySchedule.WebhookDefault;
}
