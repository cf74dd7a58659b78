using System.Collections.Concurrent;
using Granary.Grains.Inventory;
using Granary.ReadModel;

namespace Granary.Grains.Tests.ReadModel;

/// <summary>
/// SKU rows kept in memory with the contract of the SQL ones (a write applies only at a higher revision, all or
/// nothing), recording every write; can fail the next writes to show what a grain does when its rows can't be written.
/// </summary>
internal sealed class MemoryStockRows : IStockRows
{
    private readonly ConcurrentDictionary<string, StockRowsRead> _rows = new(StringComparer.Ordinal);
    private int _failures;

    public bool Kept => true;

    /// <summary>Every write asked for: SKU key, revision, the level as "onHand/reserved", and whether it was made to fail.</summary>
    public ConcurrentQueue<RowWrite> Writes { get; } = new();

    public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

    public IReadOnlyList<RowWrite> Of(string key) => [.. Writes.Where(w => w.Key == key)];

    public Task<StockRowsRead> ReadAsync(string organizationId, string sku, CancellationToken cancellationToken = default) =>
        Task.FromResult(_rows.TryGetValue(InventoryKey.For(organizationId, sku), out var rows) ? rows : StockRowsRead.None);

    public Task WriteAsync(string organizationId, StockLevel stock, long revision, IReadOnlyDictionary<string, int> reservationChanges,
        CancellationToken cancellationToken = default)
    {
        var key = InventoryKey.For(organizationId, stock.Sku);
        var failed = Interlocked.Decrement(ref _failures) >= 0;
        Writes.Enqueue(new RowWrite("stock", key, revision, $"{stock.OnHand}/{stock.Reserved}", failed));
        if (failed)
        {
            return Task.FromException(new InvalidOperationException($"The stock rows of {key} could not be written (test)."));
        }
        _rows.AddOrUpdate(key, _ => StockRowsRead.None.Applying(revision, reservationChanges),
            (_, current) => current.Revision < revision ? current.Applying(revision, reservationChanges) : current);
        return Task.CompletedTask;
    }
}
