using System.Globalization;
using Granary.Grains.Inventory;
using Granary.Grains.Orders;
using Microsoft.Data.Sqlite;

namespace Granary.WebApi.Queries;

/// <summary>Lists from the SQLite state file (json_extract over the TEXT payload).</summary>
internal sealed class SqliteStateQueries(string path) : IStateQueries
{
    private static readonly OrderListSql Sql = new(f => $"json_extract(payload, '$.{f}')", p => "$" + p, "json_remove(payload, '$.pendingEvents')");
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = true,
        DefaultTimeout = 5,
    }.ToString();

    private readonly SemaphoreSlim _indexLock = new(1, 1);
    private bool _indexed;

    public bool Supported => true;

    public async Task<Page<OrderSnapshot>> ListOrdersAsync(OrderListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql.Orders;
        command.Parameters.AddWithValue("$org", query.OrganizationId);
        command.Parameters.AddWithValue("$status", (object?)query.Status ?? DBNull.Value);
        command.Parameters.AddWithValue("$channel", (object?)query.Channel ?? DBNull.Value);
        command.Parameters.AddWithValue("$email", (object?)query.CustomerEmail ?? DBNull.Value);
        command.Parameters.AddWithValue("$from", query.CreatedFrom is { } from ? StateRows.TimeText(from) : DBNull.Value);
        command.Parameters.AddWithValue("$to", query.CreatedTo is { } to ? StateRows.TimeText(to) : DBNull.Value);
        command.Parameters.AddWithValue("$afterAt", (object?)query.After?.CreatedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$afterKey", (object?)query.After?.GrainKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        var items = new List<OrderSnapshot>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(StateRows.Order(reader.GetString(0)));
        }
        return Trim(items, query.Limit);
    }

    public async Task<Page<StockLevel>> ListInventoryAsync(string organizationId, string? afterSku, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql.Inventory;
        command.Parameters.AddWithValue("$org", organizationId);
        command.Parameters.AddWithValue("$after", (object?)afterSku ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit + 1);
        var items = new List<StockLevel>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(StateRows.Stock(reader.GetString(0)));
        }
        return Trim(items, limit);
    }

    private static Page<T> Trim<T>(List<T> items, int limit) =>
        items.Count > limit ? new Page<T>(items[..limit], true) : new Page<T>(items, false);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_indexed)
        {
            await _indexLock.WaitAsync(cancellationToken);
            try
            {
                if (!_indexed)
                {
                    await using var create = connection.CreateCommand();
                    create.CommandText = Sql.Indexes;
                    await create.ExecuteNonQueryAsync(cancellationToken);
                    _indexed = true;
                }
            }
            finally
            {
                _indexLock.Release();
            }
        }
        return connection;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SQLite state queries ({path})");
}
