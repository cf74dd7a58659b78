using System.Data.Common;
using Granary.Grains.Emails;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;
using Granary.Persistence.Storage;

namespace Granary.ReadModel;

/// <summary>
/// Upserts read-model rows with one statement each, the same text on PostgreSQL and SQLite, written in groups with
/// the statements of other grains (<see cref="ReadModelStatementGroups"/>). On memory storage
/// (<see cref="ReadModelDatabase.Exists"/> false) it writes nothing. An order's, a delivery's and an email job's row go in
/// their state write where the storage takes them along (<see cref="StateWriteCompanion"/>).
/// </summary>
internal sealed class ReadModelWriter(ReadModelDatabase database) : IReadModelWriter
{
    private readonly ReadModelStatementGroups _groups = new(database);

    public Task WriteOrderAsync(OrderSnapshot order, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.Order, Bind(order, revision), cancellationToken);

    public Task WriteOrderWithStateAsync(Func<Task> writeState, OrderSnapshot order, long revision) =>
        WithStateAsync(writeState, WriterSql.OrderWithState, WriterSql.Order, Bind(order, revision));

    private static Action<DbCommand> Bind(OrderSnapshot order, long revision) => command => command
        .Text("@key", OrderKey.For(order.OrganizationId, order.Id))
        .Text("@org", order.OrganizationId)
        .Text("@status", order.Status.ToString())
        .Text("@channel", order.Channel)
        .Text("@email", order.Customer.Email.Trim().ToLowerInvariant())
        .Time("@created", order.CreatedAt)
        .Long("@revision", revision)
        .Text("@document", ViewDocuments.Write(order));

    public Task WriteDeliveryAsync(WebhookDeliveryInfo delivery, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.Delivery, Bind(delivery, revision), cancellationToken);

    public Task WriteDeliveryWithStateAsync(Func<Task> writeState, WebhookDeliveryInfo delivery, long revision) =>
        WithStateAsync(writeState, WriterSql.DeliveryWithState, WriterSql.Delivery, Bind(delivery, revision));

    private static Action<DbCommand> Bind(WebhookDeliveryInfo delivery, long revision) => command => command
        .Text("@key", WebhookDeliveryKey.For(delivery.OrganizationId, delivery.Id))
        .Text("@org", delivery.OrganizationId)
        .Text("@endpoint", delivery.EndpointId)
        .Text("@status", delivery.Status.ToString())
        .Time("@created", delivery.CreatedAt)
        .Long("@revision", revision)
        .Text("@document", ViewDocuments.Write(delivery));

    public Task WriteEmailJobAsync(EmailJobInfo job, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.EmailJob, Bind(job, revision), cancellationToken);

    public Task WriteEmailJobWithStateAsync(Func<Task> writeState, EmailJobInfo job, long revision) =>
        WithStateAsync(writeState, WriterSql.EmailJobWithState, WriterSql.EmailJob, Bind(job, revision));

    private static Action<DbCommand> Bind(EmailJobInfo job, long revision) => command => command
        .Text("@key", EmailJobKey.For(job.OrganizationId, job.Id))
        .Text("@org", job.OrganizationId)
        .Text("@status", job.Status.ToString())
        .Time("@created", job.CreatedAt)
        .Long("@revision", revision)
        .Text("@document", ViewDocuments.Write(job));

    public Task WriteRefreshFamilyAsync(string grainKey, bool revoked, DateTimeOffset expiresAt, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.RefreshFamily, command => command
            .Text("@key", grainKey)
            .Int("@revoked", revoked ? 1 : 0)
            .Time("@expires", expiresAt)
            .Long("@revision", revision), cancellationToken);

    public Task DeleteRefreshFamilyAsync(string grainKey, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.DeleteRefreshFamily, command => command.Text("@key", grainKey).Long("@revision", revision), cancellationToken);

    /// <summary>
    /// The state write, then the row: on PostgreSQL in the state write's own batch and transaction (one commit, and
    /// a row is never without its state nor a state without its row); where the storage leaves the row, right after.
    /// </summary>
    private async Task WithStateAsync(Func<Task> writeState, string withStateSql, string sql, Action<DbCommand> bind)
    {
        if (!database.IsPostgres)
        {
            await writeState();
        }
        else if (await StateWriteCompanion.WriteWithAsync(new StateWriteCompanion(withStateSql, bind), writeState))
        {
            return;
        }
        await RunAsync(sql, bind, CancellationToken.None);
    }

    private Task RunAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        database.Exists ? _groups.RunAsync(sql, bind, cancellationToken) : Task.CompletedTask;
}
