using Granary.Grains.Inventory;

namespace Granary.Grains.Inventory;

/// <summary>
/// The stock arithmetic of one SKU, without a silo: on hand ≥ reserved ≥ 0 always, reservations keyed by order id.
/// Operations return a new value or throw <see cref="StockException"/>; nothing changes on failure.
/// </summary>
public sealed record Stock
{
    public int OnHand { get; init; }

    /// <summary>Reserved units per order id.</summary>
    public IReadOnlyDictionary<string, int> Reservations { get; init; } = new Dictionary<string, int>();

    public int Reserved => Reservations.Values.Sum();

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
        if (Reservations.ContainsKey(orderId))
        {
            return this;
        }
        if (quantity > Available)
        {
            return null;
        }
        return this with { Reservations = new Dictionary<string, int>(Reservations) { [orderId] = quantity } };
    }

    public Stock Release(string orderId) => Reservations.ContainsKey(orderId) ? this with { Reservations = Without(orderId) } : this;

    public Stock Commit(string orderId) => Reservations.TryGetValue(orderId, out var quantity)
        ? this with { OnHand = OnHand - quantity, Reservations = Without(orderId) }
        : this;

    private Dictionary<string, int> Without(string orderId)
    {
        var copy = new Dictionary<string, int>(Reservations);
        copy.Remove(orderId);
        return copy;
    }
}
