namespace Granary.Grains.Orders;

/// <summary>
/// One order, keyed "{orgId}/{orderId}" (<see cref="OrderKey"/>). Transitions that the state machine doesn't allow
/// throw <see cref="OrderTransitionException"/>; calls on an order never created throw <see cref="OrderNotFoundException"/>.
/// Every transition appends an event to the order's outbox in the same state write.
/// </summary>
[Alias("granary.IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Creates the order (pending) and schedules its auto-cancel; when it exists already, returns it unchanged.</summary>
    Task<OrderSnapshot> Create(CreateOrder command);

    /// <summary>The order, or null when it was never created.</summary>
    [ReadOnly]
    Task<OrderSnapshot?> Get();

    /// <summary>Reserves stock for every line or none (<see cref="InsufficientStockException"/> names the short SKU).</summary>
    Task<OrderSnapshot> Confirm();

    Task<OrderSnapshot> Pack();

    /// <summary>Ships with a tracking number; the reserved stock leaves on hand.</summary>
    Task<OrderSnapshot> Ship(string trackingNumber);

    Task<OrderSnapshot> Deliver();

    /// <summary>Cancels a pending or confirmed order and releases its reservations.</summary>
    Task<OrderSnapshot> Cancel(string reason);

    /// <summary>Events recorded by transitions and not yet acknowledged, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<OrderEvent>> GetPendingEvents();

    /// <summary>Removes the given events from the outbox; unknown ids are ignored.</summary>
    Task AckEvents(IReadOnlyList<string> eventIds);
}

/// <summary>Builds order grain keys.</summary>
public static class OrderKey
{
    public static string For(string organizationId, string orderId) => $"{organizationId}/{orderId}";
}
