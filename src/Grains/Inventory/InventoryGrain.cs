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

    [Id(5)]
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>
/// One SKU of one organization. Every confirm, ship and cancel of an order holding the SKU comes here, so its calls
/// interleave and its writes are coalesced (<see cref="CoalescedWrites"/>): a change is checked and applied to the
/// in-memory stock in its own turn — one at a time, so however many orders race for the last unit only one gets it —
/// and acknowledged once a write that includes it is stored (with its stock-list row, kept as
/// <see cref="ReadModelGrain"/> says). Changes arriving while a write is in flight share the next one.
/// </summary>
[GrainType("inventory")]
[Reentrant]
public sealed class InventoryGrain : ReadModelGrain, IInventoryGrain
{
    private readonly IPersistentState<InventoryState> _inventory;
    private readonly IReadModelWriter _views;
    private readonly TimeProvider _time;
    private readonly CoalescedWrites _writes;
    private Stock? _stock;
    private StockLevel? _stored;

    public InventoryGrain(
        [PersistentState("inventory")] IPersistentState<InventoryState> inventory,
        IReadModelWriter views,
        TimeProvider time)
    {
        _inventory = inventory;
        _views = views;
        _time = time;
        _writes = new CoalescedWrites(WriteAsync);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_inventory.RecordExists)
        {
            await _views.WriteStockAsync(SplitKey().OrganizationId, Stored(), _inventory.State.Revision, cancellationToken);
        }
    }

    public async Task<StockLevel> SetOnHand(int quantity)
    {
        await Change(stock => stock.SetOnHand(quantity));
        return Stored();
    }

    public async Task<StockLevel> Adjust(int delta, string reason)
    {
        await Change(stock => stock.Adjust(delta));
        return Stored();
    }

    public async Task<bool> Reserve(string orderId, int quantity)
    {
        _writes.ThrowIfFailed();
        var next = Current.Reserve(orderId, quantity);
        if (next is null)
        {
            return false;
        }
        await Change(_ => next);
        return true;
    }

    public Task Release(string orderId) => Change(stock => stock.Release(orderId));

    public Task Commit(string orderId) => Change(stock => stock.Commit(orderId));

    public Task<StockLevel> Get() => Task.FromResult(Stored());

    /// <summary>The stock as this activation knows it: the stored one and every change applied since.</summary>
    private Stock Current => _stock ??= StoredStock();

    /// <summary>
    /// Applies <paramref name="change"/> in this turn (a <see cref="StockException"/> leaves everything as it was) and
    /// completes once it is stored; a change that changes nothing (a repeat) waits only for what is already pending.
    /// </summary>
    private Task Change(Func<Stock, Stock> change)
    {
        _writes.ThrowIfFailed();
        var current = Current;
        var next = change(current);
        if (ReferenceEquals(next, current) && _inventory.RecordExists)
        {
            return _writes.Unchanged();
        }
        _stock = next;
        return _writes.Changed();
    }

    /// <summary>Stores the stock as it is now, then its stock-list row; run by <see cref="CoalescedWrites"/>, one at a time.</summary>
    private async Task WriteAsync()
    {
        var (organizationId, sku) = SplitKey();
        Stored(); // from the state as stored, before it is replaced by the one being written
        var stock = Current;
        var state = _inventory.State;
        _inventory.State = state with
        {
            Revision = state.Revision + 1,
            OrganizationId = organizationId,
            Sku = sku,
            OnHand = stock.OnHand,
            Reservations = new Dictionary<string, int>(stock.Reservations, StringComparer.Ordinal),
            UpdatedAt = _time.GetUtcNow(),
        };
        // The row shows what this write stores, not the changes applied while it runs (they go with the next write).
        var written = Level(stock);
        var revision = _inventory.State.Revision;
        await _inventory.WriteStateAsync();
        _stored = written;
        await WriteRowAsync(() => _views.WriteStockAsync(organizationId, written, revision));
    }

    /// <summary>The stored stock, as the API shows it (changes applied but not yet stored are not in it).</summary>
    private StockLevel Stored() => _stored ??= Level(StoredStock());

    private Stock StoredStock() => new() { OnHand = _inventory.State.OnHand, Reservations = _inventory.State.Reservations };

    private StockLevel Level(Stock stock) => new(SplitKey().Sku, stock.OnHand, stock.Reserved, stock.Available);

    private (string OrganizationId, string Sku) SplitKey()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
