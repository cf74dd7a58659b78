using Granary.Grains.Inventory;

namespace Granary.Grains.Inventory;

/// <summary>
/// The stored shape of one SKU. <see cref="Reserved"/> and <see cref="Available"/> are written too (read-only
/// properties serialize) so that the SQL list can read them without recomputing.
/// </summary>
public sealed record InventoryState
{
    public string OrganizationId { get; init; } = "";

    public string Sku { get; init; } = "";

    public int OnHand { get; init; }

    public Dictionary<string, int> Reservations { get; init; } = [];

    public int Reserved => Reservations.Values.Sum();

    public int Available => OnHand - Reserved;

    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>One SKU of one organization. Non-reentrant: concurrent reservations run one after another.</summary>
public sealed class InventoryGrain([PersistentState("inventory")] IPersistentState<InventoryState> inventory) : Grain, IInventoryGrain
{
    public Task<StockLevel> SetOnHand(int quantity) => Apply(stock => stock.SetOnHand(quantity));

    public Task<StockLevel> Adjust(int delta, string reason) => Apply(stock => stock.Adjust(delta));

    public async Task<bool> Reserve(string orderId, int quantity)
    {
        var next = Current().Reserve(orderId, quantity);
        if (next is null)
        {
            return false;
        }
        await Save(next);
        return true;
    }

    public async Task Release(string orderId) => await Save(Current().Release(orderId));

    public async Task Commit(string orderId) => await Save(Current().Commit(orderId));

    public Task<StockLevel> Get() => Task.FromResult(Level());

    private Stock Current() => new() { OnHand = inventory.State.OnHand, Reservations = inventory.State.Reservations };

    private async Task<StockLevel> Apply(Func<Stock, Stock> change)
    {
        await Save(change(Current()));
        return Level();
    }

    private async Task Save(Stock stock)
    {
        var state = inventory.State;
        if (inventory.RecordExists && stock.OnHand == state.OnHand && stock.Reservations.Count == state.Reservations.Count
            && stock.Reservations.All(r => state.Reservations.TryGetValue(r.Key, out var q) && q == r.Value))
        {
            return; // idempotent repeat: no write
        }
        var (organizationId, sku) = SplitKey();
        inventory.State = state with
        {
            OrganizationId = organizationId,
            Sku = sku,
            OnHand = stock.OnHand,
            Reservations = new Dictionary<string, int>(stock.Reservations),
            UpdatedAt = TimeProvider.GetUtcNow(),
        };
        await inventory.WriteStateAsync();
    }

    private StockLevel Level()
    {
        var state = inventory.State;
        return new StockLevel(SplitKey().Sku, state.OnHand, state.Reserved, state.Available);
    }

    private (string OrganizationId, string Sku) SplitKey()
    {
        var key = GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
