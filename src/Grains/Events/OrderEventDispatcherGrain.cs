using Granary.Grains.Emails;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Events;

/// <summary>
/// Hands an order's outbox over to jobs, event by event and oldest first, and acknowledges what was handed over. An
/// event whose hand-over fails stays in the outbox (with every later one: events of an order keep their order) and
/// the order's outbox reminder drives it again.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class OrderEventDispatcherGrain(ILogger<OrderEventDispatcherGrain> logger) : Grain, IOrderEventDispatcherGrain
{
    public async Task Dispatch(string orderKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderKey);
        var order = GrainFactory.GetGrain<IOrderGrain>(orderKey);
        await HandOverAsync(orderKey, order, await order.GetPendingEvents());
    }

    public Task HandOver(string orderKey, IReadOnlyList<OrderEvent> pending)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderKey);
        ArgumentNullException.ThrowIfNull(pending);
        return HandOverAsync(orderKey, GrainFactory.GetGrain<IOrderGrain>(orderKey), pending);
    }

    private async Task HandOverAsync(string orderKey, IOrderGrain order, IReadOnlyList<OrderEvent> pending)
    {
        if (pending.Count == 0)
        {
            return;
        }
        var handedOver = new List<string>(pending.Count);
        foreach (var change in pending)
        {
            try
            {
                await HandOverEventAsync(change);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                DispatchLog.HandOverFailed(logger, exception, change.Id, change.Type, orderKey);
                break;
            }
            handedOver.Add(change.Id);
        }
        if (handedOver.Count > 0)
        {
            await order.AckEvents(handedOver);
        }
    }

    private async Task HandOverEventAsync(OrderEvent change)
    {
        var organizationId = change.Order.OrganizationId;
        var targets = await GrainFactory.GetGrain<IWebhookEndpointsGrain>(organizationId).Matching(change.Type);
        var jobs = new List<Task>(targets.Count + 1);
        if (targets.Count > 0)
        {
            var payload = EventPayloads.ForOrderEvent(change);
            foreach (var target in targets)
            {
                var deliveryId = WebhookDeliveryKey.DeliveryId(change.Id, target.EndpointId);
                jobs.Add(GrainFactory.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveryKey.For(organizationId, deliveryId))
                    .Start(new NewWebhookDelivery(organizationId, target.EndpointId, change.Id, change.Type, payload, change.OccurredAt)));
            }
        }
        if (OrderEmails.For(change) is var (jobId, request))
        {
            jobs.Add(GrainFactory.GetGrain<IEmailJobGrain>(EmailJobKey.For(organizationId, jobId)).Enqueue(request));
        }
        await Task.WhenAll(jobs);
    }
}

internal static partial class DispatchLog
{
    [LoggerMessage(1, LogLevel.Warning, "Event {EventId} ({EventType}) of order {OrderKey} was not handed over; the outbox keeps it for the next try")]
    public static partial void HandOverFailed(ILogger logger, Exception exception, string eventId, string eventType, string orderKey);
}
