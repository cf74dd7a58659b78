using Granary.Grains.Orders;

namespace Granary.Grains.Stats;

/// <summary>Order figures of one organization (keyed by its id), updated by order grains on every transition.</summary>
[Alias("granary.IOrderStatsGrain")]
public interface IOrderStatsGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a transition (<see cref="OrderTransition.From"/> is null for a new order); completes once it is stored.
    /// Interleaves: transitions arriving while the state is being written share the next write.
    /// </summary>
    [AlwaysInterleave]
    Task Record(OrderTransition transition);

    [ReadOnly]
    Task<OrderStats> Get();

    /// <summary>The figures of the orders created on one local day; zeros for a day older than the last seven.</summary>
    [ReadOnly]
    Task<DayOrderStats> GetDay(DateOnly day);
}

/// <param name="EventId">The order event's id; a repeated id is ignored.</param>
/// <param name="TimeZone">IANA id of the organization's zone, for "today".</param>
[GenerateSerializer, Immutable, Alias("granary.OrderTransition")]
public sealed record OrderTransition(string EventId, OrderStatus? From, OrderStatus To, decimal Total, string Currency, DateTimeOffset CreatedAt, DateTimeOffset OccurredAt, string TimeZone);

/// <param name="Date">Today in the organization's time zone.</param>
/// <param name="TodayOrders">Orders created today.</param>
/// <param name="TodayRevenue">Totals of today's orders that are not cancelled, per currency.</param>
[GenerateSerializer, Immutable, Alias("granary.OrderStats")]
public sealed record OrderStats(IReadOnlyDictionary<string, int> ByStatus, DateOnly Date, string TimeZone, int TodayOrders, IReadOnlyDictionary<string, decimal> TodayRevenue);

/// <param name="Date">The local day of creation.</param>
/// <param name="Orders">Orders created that day.</param>
/// <param name="ByStatus">Those orders by their current status (lower-case names; statuses with none left out).</param>
/// <param name="Revenue">Totals of those orders that are not cancelled, per currency.</param>
[GenerateSerializer, Immutable, Alias("granary.DayOrderStats")]
public sealed record DayOrderStats(DateOnly Date, string TimeZone, int Orders, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyDictionary<string, decimal> Revenue);
