using Granary.Grains.Orders;

namespace Granary.Grains.Orders;

/// <summary>
/// The life of an order as a whitelist of moves; anything not listed throws <see cref="OrderTransitionException"/>.
/// <code>
///   Pending ──confirm──▶ Confirmed ──pack──▶ Packed ──ship──▶ Shipped ──deliver──▶ Delivered
///      │                    │
///      └──cancel──▶ Cancelled ◀──cancel──┘
/// </code>
/// </summary>
public static class OrderStateMachine
{
    private static readonly Dictionary<(OrderStatus From, OrderAction Action), OrderStatus> Moves = new()
    {
        [(OrderStatus.Pending, OrderAction.Confirm)] = OrderStatus.Confirmed,
        [(OrderStatus.Pending, OrderAction.Cancel)] = OrderStatus.Cancelled,
        [(OrderStatus.Confirmed, OrderAction.Pack)] = OrderStatus.Packed,
        [(OrderStatus.Confirmed, OrderAction.Cancel)] = OrderStatus.Cancelled,
        [(OrderStatus.Packed, OrderAction.Ship)] = OrderStatus.Shipped,
        [(OrderStatus.Shipped, OrderAction.Deliver)] = OrderStatus.Delivered,
    };

    /// <summary>Every allowed move, for tests and documentation.</summary>
    public static IReadOnlyCollection<(OrderStatus From, OrderAction Action, OrderStatus To)> AllowedMoves =>
        Moves.Select(m => (m.Key.From, m.Key.Action, m.Value)).ToList();

    public static bool CanApply(OrderStatus from, OrderAction action) => Moves.ContainsKey((from, action));

    /// <summary>The status after <paramref name="action"/>, or throws when the move isn't allowed.</summary>
    public static OrderStatus Next(OrderStatus from, OrderAction action) =>
        Moves.TryGetValue((from, action), out var to) ? to : throw OrderTransitionException.For(from, action);

    /// <summary>The outbox event type of a move into <paramref name="to"/>: "order.confirmed", ….</summary>
    public static string EventType(OrderStatus to) => "order." + to.ToString().ToLowerInvariant();
}
