using Granary.Grains.Scheduling;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Granary.ReadModel;

/// <summary>
/// <see cref="IDueWorkRecords"/> on the read model's database: orders, deliveries and email jobs from their list rows
/// (by status); users, daily summaries and webhook endpoints from grain storage (by state name, this service's rows).
/// On memory storage nothing is found: that state goes with the process, reminders with it.
/// </summary>
internal sealed class DueWorkQueries(ReadModelDatabase database, IOptions<ClusterOptions> cluster) : IDueWorkRecords
{
    public Task<IReadOnlyList<string>> KeysAsync(DueWorkKind kind, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        (string Sql, string? StateName) query = kind switch
        {
            DueWorkKind.PendingOrders => (DueWorkSql.PendingOrders, null),
            DueWorkKind.UnfinishedWebhookDeliveries => (DueWorkSql.UnfinishedDeliveries, null),
            DueWorkKind.UnfinishedEmailJobs => (DueWorkSql.UnfinishedEmailJobs, null),
            // The grains' [PersistentState] names.
            DueWorkKind.Users => (DueWorkSql.StoredKeys, "user"),
            DueWorkKind.DailySummaries => (DueWorkSql.StoredKeys, "dailySummary"),
            DueWorkKind.WebhookEndpoints => (DueWorkSql.StoredKeys, "webhooks"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of due work."),
        };
        return database.ReadKeysAsync(query.Sql, command =>
        {
            command.Text("@after", afterKey).Int("@limit", limit);
            if (query.StateName is not null)
            {
                command.Text("@service", cluster.Value.ServiceId).Text("@state", query.StateName);
            }
        }, cancellationToken);
    }
}
