using Granary.Grains.Orders;

namespace Granary.Grains.Events;

/// <summary>
/// Drains one order's outbox (a stateless worker, local to each silo): every pending event becomes a webhook delivery
/// for each matching endpoint of the organization and, for some event types, an email job; once all of an event's
/// jobs are stored (or done) the event is acknowledged. Safe to run twice for the same events: deliveries and email
/// jobs have stable ids, so a repeated hand-over finds them and sends nothing again.
/// </summary>
[Alias("granary.IOrderEventDispatcherGrain")]
public interface IOrderEventDispatcherGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Hands over the pending events of the order "{orgId}/{orderId}". One-way: the order doesn't wait, so the
    /// dispatcher's calls back into the order (GetPendingEvents, AckEvents) queue behind the order's turn instead of
    /// waiting for it; a lost or failed hand-over is driven again by the order's outbox reminder.
    /// </summary>
    [OneWay]
    Task Dispatch(string orderKey);

    /// <summary>
    /// Hands over <paramref name="pending"/>, the outbox of the order "{orgId}/{orderId}" as its transition just stored
    /// it, without calling the order back for it; acknowledges as <see cref="Dispatch"/> does. One-way, as that.
    /// </summary>
    [OneWay]
    Task HandOver(string orderKey, IReadOnlyList<OrderEvent> pending);
}
