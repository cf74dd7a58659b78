using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;
using Npgsql;
using NpgsqlTypes;

namespace Granary.WebApi.Queries;

/// <summary>Lists from PostgreSQL (payload is jsonb; <c>payload->>'field'</c> reads text).</summary>
internal sealed partial class PostgresStateQueries(NpgsqlDataSource dataSource) : IStateQueries
{
    private static readonly OrderListSql Sql = new(f => $"(payload->>'{f}')", p => "@" + p, "(payload - 'pendingEvents')::text");
    private static readonly JobListSql Jobs = new(f => $"(payload->>'{f}')", p => "@" + p, "(payload - 'payload')::text");
    private static readonly string[] IndexNames = [.. IndexName().Matches(Sql.Indexes + Jobs.Indexes).Select(m => m.Groups[1].Value)];
    private readonly NpgsqlDataSource _dataSource = dataSource;
    private readonly SemaphoreSlim _indexLock = new(1, 1);
    private bool _indexed;

    public bool Supported => true;

    public async Task<Page<OrderSnapshot>> ListOrdersAsync(OrderListQuery query, CancellationToken cancellationToken)
    {
        await EnsureIndexesAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(Sql.Orders);
        Text(command, "org", query.OrganizationId);
        Text(command, "status", query.Status);
        Text(command, "channel", query.Channel);
        Text(command, "email", query.CustomerEmail);
        Text(command, "from", query.CreatedFrom is { } from ? StateRows.TimeText(from) : null);
        Text(command, "to", query.CreatedTo is { } to ? StateRows.TimeText(to) : null);
        Text(command, "afterAt", query.After?.CreatedAt);
        Text(command, "afterKey", query.After?.GrainKey);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.Limit + 1 });
        var items = new List<OrderSnapshot>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(StateRows.Order(reader.GetString(0)));
        }
        return items.Count > query.Limit ? new(items[..query.Limit], true) : new(items, false);
    }

    public async Task<Page<StockLevel>> ListInventoryAsync(string organizationId, string? afterSku, int limit, CancellationToken cancellationToken)
    {
        await EnsureIndexesAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(Sql.Inventory);
        Text(command, "org", organizationId);
        Text(command, "after", afterSku);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit + 1 });
        var items = new List<StockLevel>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(StateRows.Stock(reader.GetString(0)));
        }
        return items.Count > limit ? new(items[..limit], true) : new(items, false);
    }

    public async Task<CursorPage<WebhookDeliveryInfo>> ListDeliveriesAsync(DeliveryListQuery query, CancellationToken cancellationToken)
    {
        await EnsureIndexesAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(Jobs.DeliveryList);
        Text(command, "org", query.OrganizationId);
        Text(command, "endpoint", query.EndpointId);
        Text(command, "status", query.Status?.ToString());
        return await ReadPageAsync(command, query.After, query.Limit, JobRows.Delivery, cancellationToken);
    }

    public async Task<CursorPage<EmailJobInfo>> ListEmailJobsAsync(string organizationId, JobStatus status, OrderCursor? after, int limit, CancellationToken cancellationToken)
    {
        await EnsureIndexesAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(Jobs.EmailList);
        Text(command, "org", organizationId);
        Text(command, "status", status.ToString());
        return await ReadPageAsync(command, after, limit, JobRows.EmailJob, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountJobsAsync(string organizationId, CancellationToken cancellationToken)
    {
        await EnsureIndexesAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(Jobs.Summary);
        Text(command, "org", organizationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await JobCounts.ReadAsync(reader, cancellationToken);
    }

    /// <summary>Runs a keyset page (limit + 1 rows: payload, createdAt text, grain key).</summary>
    private static async Task<CursorPage<T>> ReadPageAsync<T>(NpgsqlCommand command, OrderCursor? after, int limit, Func<string, string, T> read, CancellationToken cancellationToken)
    {
        Text(command, "afterAt", after?.CreatedAt);
        Text(command, "afterKey", after?.GrainKey);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit + 1 });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await JobCounts.ReadPageAsync(reader, limit, read, cancellationToken);
    }


    private static void Text(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private async Task<long> ExistingIndexesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'granary_grain_state' AND indexname = ANY(@names)");
        command.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = IndexNames });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"CREATE INDEX IF NOT EXISTS (\w+)")]
    private static partial System.Text.RegularExpressions.Regex IndexName();

    private async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        if (_indexed)
        {
            return;
        }
        await _indexLock.WaitAsync(cancellationToken);
        try
        {
            if (!_indexed)
            {
                // CREATE INDEX takes a lock that stops every write to the table, even when the index exists (the
                // lock comes before the existence check): ask the catalog first, so silos starting under load don't
                // stall the writers of the running ones once the indexes are there.
                if (await ExistingIndexesAsync(cancellationToken) < IndexNames.Length)
                {
                    await using var command = _dataSource.CreateCommand(Sql.Indexes + Jobs.Indexes);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                _indexed = true;
            }
        }
        finally
        {
            _indexLock.Release();
        }
    }
}
