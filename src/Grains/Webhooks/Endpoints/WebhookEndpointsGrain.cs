using Granary.Grains.Emails;
using Granary.Grains.Organizations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Webhooks.Endpoints;

/// <summary>
/// The outbound webhook endpoints of one organization, keyed by organization id. <see cref="RecordOutcome"/> runs after
/// every delivery attempt, so it reads without allocating and writes only when the health changes (see
/// <see cref="EndpointHealth"/>). Disabling an endpoint stores the owners' emails in an outbox in the same write, then
/// hands them to email jobs; a due reminder (<see cref="DueReminders"/>) is the safety net when that hand-over doesn't finish.
/// </summary>
[GrainType("webhookendpoints")]
public sealed partial class WebhookEndpointsGrain(
    [PersistentState("webhooks")] IPersistentState<WebhookEndpointsState> webhooks,
    IOptions<WebhookOptions> options,
    ILogger<WebhookEndpointsGrain> logger,
    TimeProvider time) : Grain, IWebhookEndpointsGrain, IRemindable
{
    public const string NoticesReminder = "endpoint-disabled-notices";

    /// <summary>How long a rotated-out secret keeps signing, so receivers can switch without dropping deliveries.</summary>
    public static readonly TimeSpan OldSecretLifetime = TimeSpan.FromHours(24);

    private static readonly TimeSpan NoticeRetryDelay = TimeSpan.FromMinutes(1);
    private readonly WebhookOptions _options = options.Value;

    private List<StoredWebhookEndpoint> Endpoints => webhooks.State.Endpoints;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A crash between the disabling write and the hand-over leaves notices behind; the reminder would be there
        // too, but re-registering costs little on this rare path and covers a reminder lost with its table.
        if (webhooks.State.PendingNotices.Count > 0)
        {
            await this.RegisterDueReminder(NoticesReminder, NoticeRetryDelay);
        }
    }

    public async Task<WebhookEndpointInfo> Create(NewWebhookEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(endpoint.Id);
        ArgumentException.ThrowIfNullOrEmpty(endpoint.Secret);
        if (IndexOf(endpoint.Id) is var existing and >= 0)
        {
            return Info(Endpoints[existing]);
        }
        if (Endpoints.Count >= _options.MaxEndpointsPerOrganization)
        {
            throw new WebhookEndpointLimitException(
                $"An organization has at most {_options.MaxEndpointsPerOrganization} webhook endpoints; delete one before adding another.");
        }
        var now = time.GetUtcNow();
        var stored = new StoredWebhookEndpoint
        {
            Id = endpoint.Id,
            Url = endpoint.Url,
            EventTypes = [.. endpoint.EventTypes],
            Description = endpoint.Description,
            Enabled = endpoint.Enabled,
            HealthyFrom = now,
            Secrets = [new StoredSecret(endpoint.Secret, null)],
            CreatedAt = now,
            UpdatedAt = now,
        };
        Endpoints.Add(stored);
        await webhooks.WriteStateAsync();
        return Info(stored);
    }

    public Task<IReadOnlyList<WebhookEndpointInfo>> List() =>
        Task.FromResult<IReadOnlyList<WebhookEndpointInfo>>([.. Endpoints.Select(Info)]);

    public Task<WebhookEndpointInfo?> Get(string endpointId) =>
        Task.FromResult(IndexOf(endpointId) is var index and >= 0 ? Info(Endpoints[index]) : null);

    public async Task<WebhookEndpointInfo?> Update(string endpointId, WebhookEndpointUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (IndexOf(endpointId) is not (var index and >= 0))
        {
            return null;
        }
        var current = Endpoints[index];
        var now = time.GetUtcNow();
        var next = current with
        {
            Url = update.Url ?? current.Url,
            EventTypes = update.EventTypes is { } types ? [.. types] : current.EventTypes,
            Description = update.Description ?? current.Description,
            UpdatedAt = now,
        };
        if (update.Enabled is { } enabled && enabled != current.Enabled)
        {
            // Enabling starts with a clean record: failures before it (and their in-flight outcomes) don't count.
            next = enabled
                ? next with { Enabled = true, DisabledReason = null, FailingSince = null, HealthyFrom = now }
                : next with { Enabled = false, DisabledReason = null };
        }
        Endpoints[index] = next;
        await webhooks.WriteStateAsync();
        return Info(next);
    }

    public async Task<WebhookEndpointInfo?> RotateSecret(string endpointId, string newSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(newSecret);
        if (IndexOf(endpointId) is not (var index and >= 0))
        {
            return null;
        }
        var current = Endpoints[index];
        var now = time.GetUtcNow();
        var kept = current.Secrets
            .Where(s => s.IsValidAt(now))
            .Select(s => s.ExpiresAt is null ? s with { ExpiresAt = now + OldSecretLifetime } : s);
        var next = current with { Secrets = [new StoredSecret(newSecret, null), .. kept], UpdatedAt = now };
        Endpoints[index] = next;
        await webhooks.WriteStateAsync();
        return Info(next);
    }

    public async Task<bool> Delete(string endpointId)
    {
        if (IndexOf(endpointId) is not (var index and >= 0))
        {
            return false;
        }
        Endpoints.RemoveAt(index);
        await webhooks.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<WebhookTarget>> Matching(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var now = time.GetUtcNow();
        var targets = new List<WebhookTarget>();
        foreach (var endpoint in Endpoints)
        {
            if (endpoint.Enabled && WebhookEventFilter.Matches(endpoint.EventTypes, eventType))
            {
                targets.Add(Target(endpoint, now));
            }
        }
        return Task.FromResult<IReadOnlyList<WebhookTarget>>(targets);
    }

    public Task<bool> AnyMatching(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return Task.FromResult(Endpoints.Any(endpoint => endpoint.Enabled && WebhookEventFilter.Matches(endpoint.EventTypes, eventType)));
    }

    public Task<WebhookTarget?> GetTarget(string endpointId) =>
        Task.FromResult(IndexOf(endpointId) is var index and >= 0 ? Target(Endpoints[index], time.GetUtcNow()) : null);

    public Task RecordOutcome(string endpointId, WebhookSendOutcome outcome, DateTimeOffset at)
    {
        // The hot path: a lookup and a comparison, no state write, no allocation unless the health changes.
        var index = IndexOf(endpointId);
        if (index < 0)
        {
            return Task.CompletedTask;
        }
        var current = Endpoints[index];
        var next = EndpointHealth.After(current, outcome, at, _options.DisableAfter);
        return next is null ? Task.CompletedTask : ApplyHealth(current, next, at);
    }

    /// <summary>The notices' reminder while notices wait (activation registers it too; then nothing is missing here).</summary>
    public Task<int> RestoreReminders() =>
        webhooks.State.PendingNotices.Count > 0
            ? this.RestoreDueReminder(NoticesReminder, time.GetUtcNow() + NoticeRetryDelay, time)
            : Task.FromResult(0);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == NoticesReminder)
        {
            await HandOverNoticesAsync();
        }
    }

    private async Task ApplyHealth(StoredWebhookEndpoint current, StoredWebhookEndpoint next, DateTimeOffset at)
    {
        var disabledNow = current.Enabled && !next.Enabled;
        List<EndpointDisabledNotice> notices = [];
        if (disabledNow)
        {
            notices = await NoticesAsync(next, at);
            // The reminder goes first: if the write fails, its tick finds no notices and does nothing; notices stored
            // without a reminder could wait for the next activation.
            if (notices.Count > 0)
            {
                await this.RegisterDueReminder(NoticesReminder, NoticeRetryDelay);
            }
            LogDisabled(this.GetPrimaryKeyString(), next.Id, next.DisabledReason ?? "");
        }
        // The members call above may have let nothing else run (the grain isn't reentrant), so the index still holds.
        Endpoints[IndexOf(current.Id)] = next;
        webhooks.State.PendingNotices.AddRange(notices);
        await webhooks.WriteStateAsync();
        if (notices.Count > 0)
        {
            await HandOverNoticesAsync();
        }
    }

    /// <summary>One email per owner, each with its own job id so a retried hand-over sends nothing twice.</summary>
    private async Task<List<EndpointDisabledNotice>> NoticesAsync(StoredWebhookEndpoint endpoint, DateTimeOffset at)
    {
        var members = await GrainFactory.GetGrain<IOrganizationGrain>(this.GetPrimaryKeyString()).GetMembers();
        var stamp = at.ToUnixTimeSeconds();
        return [.. members
            .Where(m => m.Role == OrgRole.Owner)
            .Select(m => new EndpointDisabledNotice(NoticeJobId(endpoint.Id, stamp, m.UserId), m.Email, endpoint.Url, endpoint.DisabledReason ?? ""))];
    }

    /// <summary>The email job id of the notice to one owner: "endpoint-disabled-{endpointId}-{unixSeconds}-{userId}".</summary>
    public static string NoticeJobId(string endpointId, long unixSeconds, string ownerUserId) =>
        $"endpoint-disabled-{endpointId}-{unixSeconds}-{ownerUserId}";

    private async Task HandOverNoticesAsync()
    {
        var organizationId = this.GetPrimaryKeyString();
        var pending = webhooks.State.PendingNotices;
        if (pending.Count == 0)
        {
            await this.UnregisterReminder(NoticesReminder);
            return;
        }
        try
        {
            foreach (var notice in pending)
            {
                var values = new Dictionary<string, string> { ["endpointUrl"] = notice.EndpointUrl, ["reason"] = notice.Reason };
                await GrainFactory.GetGrain<IEmailJobGrain>(EmailJobKey.For(organizationId, notice.JobId))
                    .Enqueue(new EmailRequest(organizationId, EmailTemplate.WebhookEndpointDisabled, notice.To, values));
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The disable is stored; the emails wait in the outbox for the reminder's next tick.
            LogHandOverFailed(error, organizationId, pending.Count);
            await this.RegisterDueReminder(NoticesReminder, NoticeRetryDelay);
            return;
        }
        pending.Clear();
        await webhooks.WriteStateAsync();
        await this.UnregisterReminder(NoticesReminder);
    }

    private int IndexOf(string endpointId)
    {
        var endpoints = Endpoints;
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (string.Equals(endpoints[i].Id, endpointId, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    private WebhookEndpointInfo Info(StoredWebhookEndpoint endpoint) => endpoint.ToInfo(this.GetPrimaryKeyString());

    private static WebhookTarget Target(StoredWebhookEndpoint endpoint, DateTimeOffset now) =>
        new(endpoint.Id, endpoint.Url, endpoint.Enabled, [.. endpoint.Secrets.Where(s => s.IsValidAt(now)).Select(s => s.Value)]);

    [LoggerMessage(1, LogLevel.Warning, "Webhook endpoint {OrganizationId}/{EndpointId} disabled: {Reason}")]
    private partial void LogDisabled(string organizationId, string endpointId, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Handing {Count} endpoint-disabled emails of organization {OrganizationId} to email jobs failed; retrying from a reminder")]
    private partial void LogHandOverFailed(Exception error, string organizationId, int count);
}
