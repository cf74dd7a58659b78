using System.Data.Common;
using Granary.Grains.Emails;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;

namespace Granary.ReadModel;

/// <summary>
/// Upserts read-model rows with one statement each, the same text on PostgreSQL and SQLite, written in groups with
/// the statements of other grains (<see cref="ReadModelStatementGroups"/>). On memory storage
/// (<see cref="ReadModelDatabase.Exists"/> false) it writes nothing.
/// </summary>
internal sealed class ReadModelWriter(ReadModelDatabase database) : IReadModelWriter
{
    private readonly ReadModelStatementGroups _groups = new(database);

    public Task WriteOrderAsync(OrderSnapshot order, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.Order, command => command
            .Text("@key", OrderKey.For(order.OrganizationId, order.Id))
            .Text("@org", order.OrganizationId)
            .Text("@status", order.Status.ToString())
            .Text("@channel", order.Channel)
            .Text("@email", order.Customer.Email.Trim().ToLowerInvariant())
            .Time("@created", order.CreatedAt)
            .Long("@revision", revision)
            .Text("@document", ViewDocuments.Write(order)), cancellationToken);

    public Task WriteDeliveryAsync(WebhookDeliveryInfo delivery, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.Delivery, command => command
            .Text("@key", WebhookDeliveryKey.For(delivery.OrganizationId, delivery.Id))
            .Text("@org", delivery.OrganizationId)
            .Text("@endpoint", delivery.EndpointId)
            .Text("@status", delivery.Status.ToString())
            .Time("@created", delivery.CreatedAt)
            .Long("@revision", revision)
            .Text("@document", ViewDocuments.Write(delivery)), cancellationToken);

    public Task WriteEmailJobAsync(EmailJobInfo job, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.EmailJob, command => command
            .Text("@key", EmailJobKey.For(job.OrganizationId, job.Id))
            .Text("@org", job.OrganizationId)
            .Text("@status", job.Status.ToString())
            .Time("@created", job.CreatedAt)
            .Long("@revision", revision)
            .Text("@document", ViewDocuments.Write(job)), cancellationToken);

    public Task WriteRefreshFamilyAsync(string grainKey, bool revoked, DateTimeOffset expiresAt, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.RefreshFamily, command => command
            .Text("@key", grainKey)
            .Int("@revoked", revoked ? 1 : 0)
            .Time("@expires", expiresAt)
            .Long("@revision", revision), cancellationToken);

    public Task DeleteRefreshFamilyAsync(string grainKey, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(WriterSql.DeleteRefreshFamily, command => command.Text("@key", grainKey).Long("@revision", revision), cancellationToken);

    private Task RunAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        database.Exists ? _groups.RunAsync(sql, bind, cancellationToken) : Task.CompletedTask;
}
