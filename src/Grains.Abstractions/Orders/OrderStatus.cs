namespace Granary.Grains.Orders;

/// <summary>Where an order is in its life; see <c>OrderStateMachine</c> for the allowed moves.</summary>
public enum OrderStatus
{
    Pending,
    Confirmed,
    Packed,
    Shipped,
    Delivered,
    Cancelled,
}

/// <summary>What can be asked of an order.</summary>
public enum OrderAction
{
    Confirm,
    Pack,
    Ship,
    Deliver,
    Cancel,
}
