using System.Globalization;
using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;
using Microsoft.Data.Sqlite;

namespace Granary.WebApi.Queries;

/// <summary>Lists from the SQLite state file (json_extract over the TEXT payload).</summary>
internal sealed class SqliteStateQueries(string connectionString) : IStateQueries
{
    private static readonly OrderListSql Sql = new(f => $"json_extract(payload, '$.{f}')", p => "$" + p, "json_remove(payload, '$.pendingEvents')");
    private static readonly JobListSql Jobs = new(f => $"json_extract(payload, '$.{f}')", p => "$" + p, "json_remove(payload, '$.payload')");
    private readonly string _connectionString = connectionString;

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

    public async Task<CursorPage<WebhookDeliveryInfo>> ListDeliveriesAsync(DeliveryListQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Jobs.DeliveryList;
        command.Parameters.AddWithValue("$org", query.OrganizationId);
        command.Parameters.AddWithValue("$endpoint", (object?)query.EndpointId ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", (object?)query.Status?.ToString() ?? DBNull.Value);
        return await ReadPageAsync(command, query.After, query.Limit, JobRows.Delivery, cancellationToken);
    }

    public async Task<CursorPage<EmailJobInfo>> ListEmailJobsAsync(string organizationId, JobStatus status, OrderCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Jobs.EmailList;
        command.Parameters.AddWithValue("$org", organizationId);
        command.Parameters.AddWithValue("$status", status.ToString());
        return await ReadPageAsync(command, after, limit, JobRows.EmailJob, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountJobsAsync(string organizationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Jobs.Summary;
        command.Parameters.AddWithValue("$org", organizationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await JobCounts.ReadAsync(reader, cancellationToken);
    }

    /// <summary>Runs a keyset page (limit + 1 rows: payload, createdAt text, grain key).</summary>
    private static async Task<CursorPage<T>> ReadPageAsync<T>(SqliteCommand command, OrderCursor? after, int limit, Func<string, string, T> read, CancellationToken cancellationToken)
    {
        command.Parameters.AddWithValue("$afterAt", (object?)after?.CreatedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("$afterKey", (object?)after?.GrainKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await JobCounts.ReadPageAsync(reader, limit, read, cancellationToken);
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
                    create.CommandText = Sql.Indexes + Jobs.Indexes;
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

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"SQLite state queries ({new SqliteConnectionStringBuilder(_connectionString).DataSource})");
}
