using Granary.Grains.Inventory;
using Granary.ReadModel;

namespace Granary.Grains.Inventory;

/// <summary>The stored shape of one SKU; the stock list reads its read-model row (src/ReadModel).</summary>
[GenerateSerializer, Alias("granary.state.InventoryState")]
public sealed record InventoryState
{
    /// <summary>Counts the state writes (the read-model row's revision).</summary>
    [Id(0)]
    public long Revision { get; init; }

    [Id(1)]
    public string OrganizationId { get; init; } = "";

    [Id(2)]
    public string Sku { get; init; } = "";

    [Id(3)]
    public int OnHand { get; init; }

    [Id(4)]
    public Dictionary<string, int> Reservations { get; init; } = [];

    public int Reserved => Reservations.Values.Sum();

    public int Available => OnHand - Reserved;

    [Id(5)]
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>
/// One SKU of one organization. Non-reentrant: concurrent reservations run one after another. Its stock-list row is
/// kept as <see cref="ReadModelGrain"/> says.
/// </summary>
[GrainType("inventory")]
public sealed class InventoryGrain(
    [PersistentState("inventory")] IPersistentState<InventoryState> inventory,
    IReadModelWriter views,
    TimeProvider time) : ReadModelGrain, IInventoryGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (inventory.RecordExists)
        {
            await views.WriteStockAsync(SplitKey().OrganizationId, Level(), inventory.State.Revision, cancellationToken);
        }
    }

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
            Revision = state.Revision + 1,
            OrganizationId = organizationId,
            Sku = sku,
            OnHand = stock.OnHand,
            Reservations = new Dictionary<string, int>(stock.Reservations),
            UpdatedAt = time.GetUtcNow(),
        };
        await inventory.WriteStateAsync();
        await WriteRowAsync(() => views.WriteStockAsync(organizationId, Level(), inventory.State.Revision));
    }

    private StockLevel Level()
    {
        var state = inventory.State;
        return new StockLevel(SplitKey().Sku, state.OnHand, state.Reserved, state.Available);
    }

    private (string OrganizationId, string Sku) SplitKey()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
