using System.Data.Common;
using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;

namespace Granary.ReadModel;

/// <summary>The lists over the read model's rows, on PostgreSQL or SQLite (<see cref="ReadModelDatabase"/>).</summary>
internal sealed class ListQueries(ReadModelDatabase database) : IListQueries
{
    public bool Supported => database.Exists;

    public Task<CursorPage<OrderSnapshot>> ListOrdersAsync(OrderListQuery query, CancellationToken cancellationToken) =>
        PageAsync(ListSql.Orders, command => command
            .Text("@org", query.OrganizationId)
            .Text("@status", query.Status?.ToString())
            .Text("@channel", query.Channel)
            .Text("@email", query.CustomerEmail)
            .Time("@from", query.CreatedFrom)
            .Time("@to", query.CreatedTo), query.After, query.Limit, ViewDocuments.Order, cancellationToken);

    public async Task<Page<StockLevel>> ListInventoryAsync(string organizationId, string? afterSku, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, ListSql.Inventory).Text("@org", organizationId).Text("@after", afterSku).Int("@limit", limit + 1);
        var items = new List<StockLevel>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (onHand, reserved) = (reader.GetInt32(1), reader.GetInt32(2));
            items.Add(new StockLevel(reader.GetString(0), onHand, reserved, onHand - reserved));
        }
        return items.Count > limit ? new(items[..limit], true) : new(items, false);
    }

    public Task<CursorPage<WebhookDeliveryInfo>> ListDeliveriesAsync(DeliveryListQuery query, CancellationToken cancellationToken) =>
        PageAsync(ListSql.Deliveries, command => command
            .Text("@org", query.OrganizationId)
            .Text("@endpoint", query.EndpointId)
            .Text("@status", query.Status?.ToString()), query.After, query.Limit, ViewDocuments.Delivery, cancellationToken);

    public Task<CursorPage<EmailJobInfo>> ListEmailJobsAsync(string organizationId, JobStatus status, ListCursor? after, int limit, CancellationToken cancellationToken) =>
        PageAsync(ListSql.EmailJobs, command => command
            .Text("@org", organizationId)
            .Text("@status", status.ToString()), after, limit, ViewDocuments.EmailJob, cancellationToken);

    public Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountJobsAsync(string organizationId, CancellationToken cancellationToken) =>
        CountAsync(ListSql.JobCounts, command => command.Text("@org", organizationId), cancellationToken);

    public Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountOpenJobsAsync(CancellationToken cancellationToken) =>
        CountAsync(ListSql.OpenJobCounts, _ => { }, cancellationToken);

    /// <summary>Reads rows of (kind, status, count).</summary>
    private async Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, sql);
        bind(command);
        var counts = new Dictionary<(JobKind, JobStatus), long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Statuses this build doesn't know (written by a newer silo) are left out rather than failing the summary.
            if (Enum.TryParse<JobKind>(reader.GetString(0), ignoreCase: true, out var kind) && Enum.TryParse<JobStatus>(reader.GetString(1), out var status))
            {
                counts[(kind, status)] = reader.GetInt64(2);
            }
        }
        return counts;
    }

    /// <summary>Runs a keyset page: limit + 1 rows of (document, created_at, grain_key); the extra row only says another page follows.</summary>
    private async Task<CursorPage<T>> PageAsync<T>(
        string sql, Action<DbCommand> bind, ListCursor? after, int limit, Func<string, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = SqlCommands.Create(connection, sql).Long("@afterAt", after?.CreatedAt).Text("@afterKey", after?.GrainKey).Int("@limit", limit + 1);
        bind(command);
        var items = new List<T>();
        ListCursor? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == limit)
            {
                return new CursorPage<T>(items, last);
            }
            items.Add(read(reader.GetString(0)));
            last = new ListCursor(reader.GetInt64(1), reader.GetString(2));
        }
        return new CursorPage<T>(items, null);
    }
}
