using System.Text.Json;
using Granary.Grains.Inventory;

namespace Granary.ReadModel;

/// <summary>
/// <see cref="IStockRows"/> in the read model's database, written in groups with other SKUs' writes
/// (<see cref="ReadModelStatementGroups"/>); kept nowhere on memory storage.
/// </summary>
internal sealed class StockRows(ReadModelDatabase database) : IStockRows
{
    private readonly ReadModelStatementGroups _groups = new(database);

    public bool Kept => database.Exists;

    public async Task<StockRowsRead> ReadAsync(string organizationId, string sku, CancellationToken cancellationToken = default)
    {
        if (!database.Exists)
        {
            return StockRowsRead.None;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var revisionCommand = SqlCommands.Create(connection, StockRowsSql.Revision).Text("@org", organizationId).Text("@sku", sku);
        revisionCommand.Transaction = transaction;
        var revision = await revisionCommand.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

        await using var reservationsCommand = SqlCommands.Create(connection, StockRowsSql.Reservations).Text("@org", organizationId).Text("@sku", sku);
        reservationsCommand.Transaction = transaction;
        var reservations = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var reader = await reservationsCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                reservations[reader.GetString(0)] = reader.GetInt32(1);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return new StockRowsRead(revision, reservations);
    }

    public Task WriteAsync(string organizationId, StockLevel stock, long revision, IReadOnlyDictionary<string, int> reservationChanges,
        CancellationToken cancellationToken = default)
    {
        if (!database.Exists)
        {
            return Task.CompletedTask;
        }
        var removed = reservationChanges.Where(c => c.Value == 0).Select(c => c.Key).ToArray();
        var added = reservationChanges.Where(c => c.Value != 0).ToArray();
        var postgres = database.IsPostgres;
        return _groups.RunAsync(postgres ? StockRowsSql.PostgresWrite : StockRowsSql.SqliteWrite, command =>
        {
            command.Text("@org", organizationId)
                .Text("@sku", stock.Sku)
                .Int("@onHand", stock.OnHand)
                .Int("@reserved", stock.Reserved)
                .Long("@revision", revision);
            if (postgres)
            {
                command.Inferred("@removed", removed)
                    .Inferred("@added", added.Select(a => a.Key).ToArray())
                    .Inferred("@quantities", added.Select(a => a.Value).ToArray());
            }
            else
            {
                command.Text("@removed", JsonSerializer.Serialize(removed))
                    .Text("@added", JsonSerializer.Serialize(added.Select(a => new object[] { a.Key, a.Value })));
            }
        }, cancellationToken);
    }
}
