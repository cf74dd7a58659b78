using Granary.Persistence.Storage;

namespace Granary.ReadModel;

/// <summary>
/// The writers' statements (PostgreSQL and SQLite both read <c>INSERT … ON CONFLICT … DO UPDATE … WHERE</c>): the
/// update applies only when the incoming revision is newer, so a row never goes back. The <c>…WithState</c> forms are
/// the same rows written in their grain's state write (<see cref="StateWriteCompanion"/>).
/// </summary>
internal static class WriterSql
{
    private const string OrderInto = "INSERT INTO granary_order_list (grain_key, organization_id, status, channel, customer_email, created_at, revision, document)";

    private const string OrderValues = "@key, @org, @status, @channel, @email, @created, @revision, @document";

    private const string OrderNewer = """
        ON CONFLICT (grain_key) DO UPDATE SET
            organization_id = excluded.organization_id, status = excluded.status, channel = excluded.channel,
            customer_email = excluded.customer_email, created_at = excluded.created_at, revision = excluded.revision,
            document = excluded.document
        WHERE granary_order_list.revision < excluded.revision
        """;

    public const string Order = $"{OrderInto}\nVALUES ({OrderValues})\n{OrderNewer}";

    /// <summary>The order's row in its state write's transaction, applied only when that write stored (PostgreSQL).</summary>
    public const string OrderWithState = $"{OrderInto}\nSELECT {OrderValues}\nWHERE {StateWriteCompanion.WhenStored}\n{OrderNewer}";

    private const string DeliveryInto = "INSERT INTO granary_webhook_delivery_list (grain_key, organization_id, endpoint_id, status, created_at, revision, document)";

    private const string DeliveryValues = "@key, @org, @endpoint, @status, @created, @revision, @document";

    private const string DeliveryNewer = """
        ON CONFLICT (grain_key) DO UPDATE SET
            organization_id = excluded.organization_id, endpoint_id = excluded.endpoint_id, status = excluded.status,
            created_at = excluded.created_at, revision = excluded.revision, document = excluded.document
        WHERE granary_webhook_delivery_list.revision < excluded.revision
        """;

    public const string Delivery = $"{DeliveryInto}\nVALUES ({DeliveryValues})\n{DeliveryNewer}";

    /// <summary>The delivery's row in its state write's transaction, applied only when that write stored (PostgreSQL).</summary>
    public const string DeliveryWithState = $"{DeliveryInto}\nSELECT {DeliveryValues}\nWHERE {StateWriteCompanion.WhenStored}\n{DeliveryNewer}";

    private const string EmailJobInto = "INSERT INTO granary_email_job_list (grain_key, organization_id, status, created_at, revision, document)";

    private const string EmailJobValues = "@key, @org, @status, @created, @revision, @document";

    private const string EmailJobNewer = """
        ON CONFLICT (grain_key) DO UPDATE SET
            organization_id = excluded.organization_id, status = excluded.status, created_at = excluded.created_at,
            revision = excluded.revision, document = excluded.document
        WHERE granary_email_job_list.revision < excluded.revision
        """;

    public const string EmailJob = $"{EmailJobInto}\nVALUES ({EmailJobValues})\n{EmailJobNewer}";

    /// <summary>The email job's row in its state write's transaction, applied only when that write stored (PostgreSQL).</summary>
    public const string EmailJobWithState = $"{EmailJobInto}\nSELECT {EmailJobValues}\nWHERE {StateWriteCompanion.WhenStored}\n{EmailJobNewer}";

    public const string RefreshFamily = """
        INSERT INTO granary_refresh_families (grain_key, revoked, expires_at, revision)
        VALUES (@key, @revoked, @expires, @revision)
        ON CONFLICT (grain_key) DO UPDATE SET revoked = excluded.revoked, expires_at = excluded.expires_at, revision = excluded.revision
        WHERE granary_refresh_families.revision < excluded.revision
        """;

    public const string DeleteRefreshFamily = "DELETE FROM granary_refresh_families WHERE grain_key = @key AND revision <= @revision";
}
