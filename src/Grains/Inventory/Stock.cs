using System.Collections.Immutable;

namespace Granary.Grains.Inventory;

/// <summary>
/// The stock arithmetic of one SKU, without a silo: on hand ≥ reserved ≥ 0 always, reservations keyed by order id.
/// Operations return a new value or throw <see cref="StockException"/>; nothing changes on failure. A change costs
/// O(log n) in the reservations held (an immutable map and a kept sum): a busy SKU holds a reservation per open order.
/// </summary>
public sealed record Stock
{
    public int OnHand { get; init; }

    /// <summary>Reserved units per order id.</summary>
    public IReadOnlyDictionary<string, int> Reservations
    {
        get => Map;
        init
        {
            Map = value as ImmutableDictionary<string, int> ?? value.ToImmutableDictionary(StringComparer.Ordinal);
            Reserved = Map.Values.Sum();
        }
    }

    /// <summary>The sum of the reservations.</summary>
    public int Reserved { get; private init; }

    private ImmutableDictionary<string, int> Map { get; init; } = ImmutableDictionary.Create<string, int>(StringComparer.Ordinal);

    public int Available => OnHand - Reserved;

    public Stock SetOnHand(int quantity)
    {
        if (quantity < 0)
        {
            throw new StockException($"On hand can't be negative ({quantity}).");
        }
        if (quantity < Reserved)
        {
            throw new StockException($"On hand can't go below the {Reserved} reserved units ({quantity}).");
        }
        return this with { OnHand = quantity };
    }

    public Stock Adjust(int delta)
    {
        if ((long)OnHand + delta > int.MaxValue)
        {
            throw new StockException("On hand would overflow.");
        }
        if (Available + delta < 0)
        {
            throw new StockException($"Removing {-delta} units would leave available stock negative ({Available} available).");
        }
        return this with { OnHand = OnHand + delta };
    }

    /// <summary>Null when not enough is available; the same value when the order already holds a reservation.</summary>
    public Stock? Reserve(string orderId, int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (Map.ContainsKey(orderId))
        {
            return this;
        }
        if (quantity > Available)
        {
            return null;
        }
        return WithReservations(Map.Add(orderId, quantity), Reserved + quantity);
    }

    public Stock Release(string orderId) => Map.TryGetValue(orderId, out var quantity)
        ? WithReservations(Map.Remove(orderId), Reserved - quantity)
        : this;

    public Stock Commit(string orderId) => Map.TryGetValue(orderId, out var quantity)
        ? WithReservations(Map.Remove(orderId), Reserved - quantity) with { OnHand = OnHand - quantity }
        : this;

    private Stock WithReservations(ImmutableDictionary<string, int> reservations, int reserved) =>
        this with { Map = reservations, Reserved = reserved };
}
