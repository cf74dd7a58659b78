namespace Granary.Grains.Inventory;

/// <summary>
/// Stock of one SKU in one organization, keyed "{orgId}/{sku}" (<see cref="InventoryKey"/>). On hand never goes
/// below what is reserved, so available stock is never negative however many orders race for the last unit.
/// </summary>
[Alias("granary.IInventoryGrain")]
public interface IInventoryGrain : IGrainWithStringKey
{
    /// <summary>Sets the units on hand; throws <see cref="StockException"/> when that is below the reserved units.</summary>
    Task<StockLevel> SetOnHand(int quantity);

    /// <summary>Adds <paramref name="delta"/> (negative to remove) to on hand; throws <see cref="StockException"/> when available would go negative.</summary>
    Task<StockLevel> Adjust(int delta, string reason);

    /// <summary>Reserves <paramref name="quantity"/> for an order; false when not enough is available. Idempotent per order id.</summary>
    Task<bool> Reserve(string orderId, int quantity);

    /// <summary>Gives back an order's reservation; nothing happens when it has none.</summary>
    Task Release(string orderId);

    /// <summary>The order shipped: its reserved units leave on hand and the reservation. Nothing happens when it has none.</summary>
    Task Commit(string orderId);

    /// <summary>The current level (all zero for a SKU never set).</summary>
    [ReadOnly]
    Task<StockLevel> Get();
}

/// <summary>Stock of one SKU as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("granary.StockLevel")]
public sealed record StockLevel(string Sku, int OnHand, int Reserved, int Available);

/// <summary>Builds inventory grain keys.</summary>
public static class InventoryKey
{
    public static string For(string organizationId, string sku) => $"{organizationId}/{sku}";
}

/// <summary>A stock change would make on hand or available negative.</summary>
[GenerateSerializer, Alias("granary.StockException")]
public sealed class StockException(string message) : InvalidOperationException(message);
