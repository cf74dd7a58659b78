using System.Diagnostics.Metrics;

namespace Granary.Grains.Orders;

/// <summary>
/// Meter <c>Granary.Orders</c>: orders created (tag <c>source</c> = <c>api</c> | <c>channel</c>) and moves stored (tag
/// <c>status</c> = the status reached, <c>source</c> as above), counted when the order's state write succeeded.
/// </summary>
public sealed class OrderMetrics
{
    public const string MeterName = "Granary.Orders";

    private readonly Counter<long> _created;
    private readonly Counter<long> _transitions;

    public OrderMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _created = meter.CreateCounter<long>("granary.orders.created", "{order}", "Orders created.");
        _transitions = meter.CreateCounter<long>("granary.orders.transitions", "{transition}", "Order moves stored (confirm, pack, ship, deliver, cancel, auto-cancel).");
    }

    /// <summary>Counts a stored creation (<paramref name="from"/> null) or move of an order of <paramref name="channel"/> (null: through the API).</summary>
    public void Stored(OrderStatus? from, OrderStatus to, string? channel)
    {
        var source = new KeyValuePair<string, object?>("source", channel is null ? "api" : "channel");
        if (from is null)
        {
            _created.Add(1, source);
        }
        else
        {
            _transitions.Add(1, new KeyValuePair<string, object?>("status", StatusNames.Of(to)), source);
        }
    }
}
