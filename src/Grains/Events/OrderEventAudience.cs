using Granary.Grains.Orders;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Events;

/// <summary>
/// Whether an order event reaches anyone: a customer email (<see cref="OrderEmails"/>) or an enabled webhook endpoint
/// of the organization subscribed to its type. An order records only such events in its outbox, so a transition
/// nobody listens to costs no reminder, no hand-over and no acknowledgement write. An endpoint created before the
/// transition is seen (the endpoints grain answers from its stored state); when the question can't be answered,
/// the event is recorded.
/// </summary>
internal static partial class OrderEventAudience
{
    public static async Task<bool> AnyFor(IGrainFactory grains, OrderEvent change, ILogger logger)
    {
        if (OrderEmails.For(change) is not null)
        {
            return true;
        }
        try
        {
            return await grains.GetGrain<IWebhookEndpointsGrain>(change.Order.OrganizationId).AnyMatching(change.Type);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnknown(logger, exception, change.Type, change.Order.OrganizationId);
            return true;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not tell whether {EventType} of organization {OrganizationId} has subscribers; the order records it")]
    private static partial void LogUnknown(ILogger logger, Exception exception, string eventType, string organizationId);
}
