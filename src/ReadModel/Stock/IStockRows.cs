using Granary.Grains.Inventory;

namespace Granary.ReadModel;

/// <summary>
/// A SKU's rows: its stock-list row (on hand, reserved, and the revision of the grain write they show) and one row per
/// reservation an order holds. The inventory grain stores only its counts and the reservations its latest write
/// changed; every older reservation lives here, so a write costs the changes it carries, not every open order's
/// reservation. Rows only move to a higher revision: a late or repeated write changes nothing.
/// </summary>
public interface IStockRows
{
    /// <summary>False on memory storage: no rows are kept, and the grain keeps every reservation in its state.</summary>
    bool Kept { get; }

    /// <summary>The SKU's reservations and the revision they are at (0 and none when the SKU has no rows).</summary>
    Task<StockRowsRead> ReadAsync(string organizationId, string sku, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the SKU's rows to <paramref name="revision"/>: the stock-list row shows <paramref name="stock"/> and each
    /// entry of <paramref name="reservationChanges"/> sets an order's reserved quantity (0 removes its reservation).
    /// All or nothing; nothing at all when the rows are already at <paramref name="revision"/> or past it.
    /// </summary>
    Task WriteAsync(string organizationId, StockLevel stock, long revision, IReadOnlyDictionary<string, int> reservationChanges,
        CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IStockRows.ReadAsync"/> found: the revision the rows are at and the reserved quantity per order id.</summary>
public sealed record StockRowsRead(long Revision, IReadOnlyDictionary<string, int> Reservations)
{
    public static StockRowsRead None { get; } = new(0, new Dictionary<string, int>(StringComparer.Ordinal));

    /// <summary>
    /// These rows as a write at <paramref name="revision"/> leaves them: each entry of <paramref name="reservationChanges"/>
    /// sets an order's reserved quantity, 0 removes it (what <see cref="IStockRows.WriteAsync"/> stores).
    /// </summary>
    public StockRowsRead Applying(long revision, IReadOnlyDictionary<string, int> reservationChanges)
    {
        var reservations = new Dictionary<string, int>(Reservations, StringComparer.Ordinal);
        foreach (var (orderId, quantity) in reservationChanges)
        {
            if (quantity == 0)
            {
                reservations.Remove(orderId);
            }
            else
            {
                reservations[orderId] = quantity;
            }
        }
        return new StockRowsRead(revision, reservations);
    }
}
