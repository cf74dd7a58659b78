using Granary.Grains.Inventory;
using Granary.ReadModel;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Inventory;

/// <summary>
/// The stored shape of one SKU; the stock list reads its rows (<see cref="IStockRows"/>). Where those rows are kept,
/// the state holds the counts and only the reservations its write changed (<see cref="Changes"/>): every older
/// reservation is a row, and a write no longer rewrites the reservation of every open order. On memory storage (no
/// rows) <see cref="Reservations"/> holds them all, as every state stored before the rows existed does.
/// </summary>
[GenerateSerializer, Alias("granary.state.InventoryState")]
public sealed record InventoryState
{
    /// <summary>Counts the state writes (the revision the SKU's rows move to).</summary>
    [Id(0)]
    public long Revision { get; init; }

    [Id(1)]
    public string OrganizationId { get; init; } = "";

    [Id(2)]
    public string Sku { get; init; } = "";

    [Id(3)]
    public int OnHand { get; init; }

    /// <summary>Every reservation, by order id: only where no rows are kept (or in a state stored before they were).</summary>
    [Id(4)]
    public Dictionary<string, int> Reservations { get; init; } = [];

    [Id(5)]
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The sum of all reservations.</summary>
    [Id(6)]
    public int Reserved { get; init; }

    /// <summary>
    /// The reservations this write changed, by order id (0: released or committed). Where rows are kept they are at
    /// this revision, or one behind when the rows' write after this one was lost; the next activation then applies these.
    /// </summary>
    [Id(7)]
    public Dictionary<string, int> Changes { get; init; } = [];
}

/// <summary>
/// One SKU of one organization. Every confirm, ship and cancel of an order holding the SKU comes here, so its calls
/// interleave and its writes are coalesced (<see cref="CoalescedWrites"/>): a change is checked and applied to the
/// in-memory stock in its own turn — one at a time, so however many orders race for the last unit only one gets it —
/// and acknowledged once a write that includes it is stored, then the SKU's rows moved to it (<see cref="IStockRows"/>;
/// a failed rows write is repaired by the next activation, as <see cref="ReadModelGrain"/> says). Changes arriving while
/// a write is in flight share the next one.
/// </summary>
[GrainType("inventory")]
[Reentrant]
public sealed class InventoryGrain : ReadModelGrain, IInventoryGrain
{
    private readonly IPersistentState<InventoryState> _inventory;
    private readonly IStockRows _rows;
    private readonly TimeProvider _time;
    private readonly ILogger<InventoryGrain> _logger;
    private readonly CoalescedWrites _writes;
    private Stock _stock = new();
    private StockLevel? _stored;

    /// <summary>The reservations changed since the last write started, by order id (0: removed).</summary>
    private Dictionary<string, int> _changes = new(StringComparer.Ordinal);

    public InventoryGrain(
        [PersistentState("inventory")] IPersistentState<InventoryState> inventory,
        IStockRows rows,
        TimeProvider time,
        ILogger<InventoryGrain> logger)
    {
        _inventory = inventory;
        _rows = rows;
        _time = time;
        _logger = logger;
        _writes = new CoalescedWrites(WriteAsync);
    }

    /// <summary>
    /// Builds the stock from the state and the SKU's reservation rows; rows one write behind the state get that write's
    /// changes again (their write was lost), and a state that still holds every reservation moves them to rows.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var state = _inventory.State;
        if (!_rows.Kept || state.Reservations.Count > 0)
        {
            _stock = new Stock { OnHand = state.OnHand, Reservations = state.Reservations };
            _stored = Level(_stock);
            if (_rows.Kept)
            {
                // Stored before reservation rows were kept: the next write carries them all to rows, once.
                foreach (var (orderId, quantity) in state.Reservations)
                {
                    _changes[orderId] = quantity;
                }
                await _writes.Changed();
            }
            return;
        }

        var (organizationId, sku) = SplitKey();
        var rows = await _rows.ReadAsync(organizationId, sku, cancellationToken);
        var behind = _inventory.RecordExists && rows.Revision < state.Revision;
        var reservations = behind ? rows.Applying(state.Revision, state.Changes).Reservations : rows.Reservations;
        _stock = new Stock { OnHand = state.OnHand, Reservations = reservations };
        _stored = Level(_stock);
        if (_inventory.RecordExists && (rows.Revision < state.Revision - 1 || rows.Revision > state.Revision || _stock.Reserved != state.Reserved))
        {
            InventoryLog.RowsDisagree(_logger, organizationId, sku, state.Revision, state.Reserved, rows.Revision, _stock.Reserved);
        }
        if (behind)
        {
            await WriteRowAsync(() => _rows.WriteAsync(organizationId, _stored, state.Revision, state.Changes, cancellationToken));
        }
    }

    public async Task<StockLevel> SetOnHand(int quantity)
    {
        await Change(stock => stock.SetOnHand(quantity));
        return Stored;
    }

    public async Task<StockLevel> Adjust(int delta, string reason)
    {
        await Change(stock => stock.Adjust(delta));
        return Stored;
    }

    public async Task<bool> Reserve(string orderId, int quantity)
    {
        _writes.ThrowIfFailed();
        var next = _stock.Reserve(orderId, quantity);
        if (next is null)
        {
            return false;
        }
        await Change(_ => next, orderId);
        return true;
    }

    public Task Release(string orderId) => Change(stock => stock.Release(orderId), orderId);

    public Task Commit(string orderId) => Change(stock => stock.Commit(orderId), orderId);

    public Task<StockLevel> Get() => Task.FromResult(Stored);

    /// <summary>The stored stock, as the API shows it (changes applied but not yet stored are not in it).</summary>
    private StockLevel Stored => _stored ?? throw new InvalidOperationException("The inventory grain answered before it activated.");

    /// <summary>
    /// Applies <paramref name="change"/> to the stock in this turn (a <see cref="StockException"/> leaves everything as
    /// it was), noting the reservation of <paramref name="orderId"/> it may change, and completes once it is stored; a
    /// change that changes nothing (a repeat) waits only for what is already pending.
    /// </summary>
    private Task Change(Func<Stock, Stock> change, string? orderId = null)
    {
        _writes.ThrowIfFailed();
        var next = change(_stock);
        if (ReferenceEquals(next, _stock) && _inventory.RecordExists)
        {
            return _writes.Unchanged();
        }
        _stock = next;
        if (orderId is not null)
        {
            _changes[orderId] = next.Reservations.TryGetValue(orderId, out var quantity) ? quantity : 0;
        }
        return _writes.Changed();
    }

    /// <summary>
    /// Stores the stock as it is now with the reservations changed since the last write, then moves the SKU's rows to
    /// it; run by <see cref="CoalescedWrites"/>, one at a time.
    /// </summary>
    private async Task WriteAsync()
    {
        var (organizationId, sku) = SplitKey();
        var stock = _stock;
        var changes = _changes;
        _changes = new Dictionary<string, int>(StringComparer.Ordinal);
        var state = _inventory.State;
        _inventory.State = state with
        {
            Revision = state.Revision + 1,
            OrganizationId = organizationId,
            Sku = sku,
            OnHand = stock.OnHand,
            Reserved = stock.Reserved,
            Reservations = _rows.Kept ? [] : new Dictionary<string, int>(stock.Reservations, StringComparer.Ordinal),
            Changes = _rows.Kept ? changes : [],
            UpdatedAt = _time.GetUtcNow(),
        };
        // The rows show what this write stores, not the changes applied while it runs (they go with the next write).
        var written = Level(stock);
        var revision = _inventory.State.Revision;
        await _inventory.WriteStateAsync();
        _stored = written;
        await WriteRowAsync(() => _rows.WriteAsync(organizationId, written, revision, changes));
    }

    private StockLevel Level(Stock stock) => new(SplitKey().Sku, stock.OnHand, stock.Reserved, stock.Available);

    private (string OrganizationId, string Sku) SplitKey()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}

internal static partial class InventoryLog
{
    [LoggerMessage(1, LogLevel.Error,
        "The reservation rows of SKU {Sku} in organization {OrganizationId} disagree with its state: state revision {StateRevision} with {StateReserved} reserved, rows at revision {RowsRevision} holding {RowsReserved}")]
    public static partial void RowsDisagree(ILogger logger, string organizationId, string sku, long stateRevision, int stateReserved, long rowsRevision, int rowsReserved);
}
