using Granary.Grains.Jobs;
using Granary.ReadModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Grains.Webhooks.Delivery;

/// <summary>
/// One delivery of one event to one endpoint: a job without a queue. <see cref="Start"/> makes the first attempt at
/// once and stores the outcome in one write; a failed attempt registers a due reminder (<see cref="DueReminders"/>) for the next one
/// <em>before</em> that write, so a crash at any point leaves either nothing (the event's outbox still holds it and
/// hands it over again) or a stored delivery with its reminder. 2xx succeeds; 410, a refused address or a deleted or
/// disabled endpoint dead-letters at once; anything else retries on <see cref="WebhookOptions.Schedule"/> and
/// dead-letters after the last attempt. Its delivery-log row is kept as <see cref="ReadModelGrain"/> says.
/// </summary>
[GrainType("webhookdelivery")]
[CollectionAgeLimit(Minutes = 5)]
public sealed class WebhookDeliveryGrain(
    [PersistentState("delivery")] IPersistentState<WebhookDeliveryState> delivery,
    IOptions<WebhookOptions> options,
    JobMetrics metrics,
    IReadModelWriter views,
    ILogger<WebhookDeliveryGrain> logger,
    TimeProvider time) : ReadModelGrain, IWebhookDeliveryGrain, IRemindable
{
    public const string RetryReminder = "retry";
    public const int MaxLoggedAttempts = 20;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (delivery.State.Created)
        {
            await views.WriteDeliveryAsync(delivery.State.ToInfo(), delivery.State.Revision, cancellationToken);
        }
    }

    public async Task<WebhookDeliveryInfo> Start(NewWebhookDelivery request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (delivery.State.Created)
        {
            return delivery.State.ToInfo();
        }
        var state = new WebhookDeliveryState
        {
            Created = true,
            Id = DeliveryId(),
            OrganizationId = request.OrganizationId,
            EndpointId = request.EndpointId,
            EventId = request.EventId,
            EventType = request.EventType,
            Payload = request.Payload,
            Status = JobStatus.Pending,
            CreatedAt = request.CreatedAt,
            UpdatedAt = request.CreatedAt,
        };
        return await AttemptAsync(state, reminderMayExist: false);
    }

    public Task<WebhookDeliveryInfo?> Get() => Task.FromResult(delivery.State.Created ? delivery.State.ToInfo() : null);

    public async Task<WebhookDeliveryInfo?> Redeliver()
    {
        if (!delivery.State.Created)
        {
            return null;
        }
        var state = delivery.State;
        return await AttemptAsync(state with { ScheduleAttempts = 0 }, reminderMayExist: state.Status == JobStatus.Retrying);
    }

    public Task<int> RestoreReminders() =>
        delivery.State.Created && delivery.State.Status is JobStatus.Retrying or JobStatus.Pending
            ? this.RestoreDueReminder(RetryReminder, delivery.State.NextAttemptAt ?? time.GetUtcNow(), time)
            : Task.FromResult(0);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RetryReminder)
        {
            return;
        }
        if (delivery.State.Created && delivery.State.Status is JobStatus.Retrying or JobStatus.Pending)
        {
            await AttemptAsync(delivery.State, reminderMayExist: true);
        }
        else
        {
            await this.UnregisterReminder(RetryReminder);
        }
    }

    private async Task<WebhookDeliveryInfo> AttemptAsync(WebhookDeliveryState state, bool reminderMayExist)
    {
        var now = time.GetUtcNow();
        var endpoints = GrainFactory.GetGrain<IWebhookEndpointsGrain>(state.OrganizationId);
        var target = await endpoints.GetTarget(state.EndpointId);
        WebhookSendResult result;
        if (target is null || !target.Enabled)
        {
            result = new WebhookSendResult(WebhookSendOutcome.Refused, null, 0, null,
                target is null ? "The endpoint was deleted." : "The endpoint is disabled; retry the delivery once it is enabled again.");
        }
        else
        {
            result = await GrainFactory.GetGrain<IWebhookSenderGrain>(0).Send(new WebhookSendRequest(target.Url, state.Id, now, state.Payload, target.Secrets));
            metrics.Attempted(JobKind.Webhook, result.LatencyMs);
            await RecordOutcomeAsync(endpoints, state, result.Outcome, now);
        }

        var attempts = state.AttemptCount + 1;
        var scheduleAttempts = state.ScheduleAttempts + 1;
        var status = result.Outcome switch
        {
            WebhookSendOutcome.Success => JobStatus.Succeeded,
            WebhookSendOutcome.Failed when options.Value.Schedule.DelayAfter(scheduleAttempts) is not null => JobStatus.Retrying,
            _ => JobStatus.Dead,
        };
        var finished = time.GetUtcNow();
        DateTimeOffset? nextAttemptAt = null;
        if (status == JobStatus.Retrying)
        {
            var delay = options.Value.Schedule.DelayAfter(scheduleAttempts)!.Value;
            nextAttemptAt = finished + delay;
            // The reminder goes first: a stored retry without its reminder would never be attempted again.
            await this.RegisterDueReminder(RetryReminder, delay);
        }

        var log = state.Attempts.Count >= MaxLoggedAttempts ? state.Attempts.GetRange(1, state.Attempts.Count - 1) : new List<WebhookAttempt>(state.Attempts);
        log.Add(new WebhookAttempt(attempts, now, result.Outcome, result.StatusCode, result.LatencyMs, result.ResponseBody, result.Error));
        delivery.State = state with
        {
            Revision = state.Revision + 1,
            Status = status,
            AttemptCount = attempts,
            ScheduleAttempts = scheduleAttempts,
            NextAttemptAt = nextAttemptAt,
            UpdatedAt = finished,
            Attempts = log,
        };
        // The list row in the state's own write where the storage allows (one commit), else right after it.
        await WriteRowAsync(() => views.WriteDeliveryWithStateAsync(delivery.WriteStateAsync, delivery.State.ToInfo(), delivery.State.Revision));
        metrics.Reached(JobKind.Webhook, status);

        if (status != JobStatus.Retrying && reminderMayExist)
        {
            await this.UnregisterReminder(RetryReminder);
        }
        switch (status)
        {
            case JobStatus.Retrying:
                DeliveryLog.Retrying(logger, state.Id, state.EndpointId, attempts, result.StatusCode, result.Error, nextAttemptAt!.Value);
                break;
            case JobStatus.Dead:
                DeliveryLog.DeadLettered(logger, state.Id, state.EndpointId, attempts, result.StatusCode, result.Error);
                break;
        }
        return delivery.State.ToInfo();
    }

    /// <summary>The endpoint's health is a side matter: a failure to record it must not fail or repeat the delivery.</summary>
    private async Task RecordOutcomeAsync(IWebhookEndpointsGrain endpoints, WebhookDeliveryState state, WebhookSendOutcome outcome, DateTimeOffset at)
    {
        try
        {
            await endpoints.RecordOutcome(state.EndpointId, outcome, at);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            DeliveryLog.OutcomeNotRecorded(logger, exception, state.Id, state.EndpointId);
        }
    }

    private string DeliveryId()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[(slash + 1)..];
    }
}

internal static partial class DeliveryLog
{
    [LoggerMessage(1, LogLevel.Information, "Webhook delivery {DeliveryId} to endpoint {EndpointId} failed (attempt {Attempt}, status {StatusCode}, {Error}); next attempt at {NextAttemptAt}")]
    public static partial void Retrying(ILogger logger, string deliveryId, string endpointId, int attempt, int? statusCode, string? error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(2, LogLevel.Warning, "Webhook delivery {DeliveryId} to endpoint {EndpointId} is dead after {Attempt} attempts (status {StatusCode}, {Error})")]
    public static partial void DeadLettered(ILogger logger, string deliveryId, string endpointId, int attempt, int? statusCode, string? error);

    [LoggerMessage(3, LogLevel.Warning, "The outcome of webhook delivery {DeliveryId} was not recorded on endpoint {EndpointId}")]
    public static partial void OutcomeNotRecorded(ILogger logger, Exception exception, string deliveryId, string endpointId);
}
