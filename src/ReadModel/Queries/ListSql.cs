namespace Granary.ReadModel;

/// <summary>
/// The list statements, one text for PostgreSQL and SQLite. Keyset pages run newest first on
/// (created_at DESC, grain_key DESC), which the (organization, …, created_at, grain_key) indexes serve.
/// </summary>
internal static class ListSql
{
    private const string After = "(@afterAt IS NULL OR created_at < @afterAt OR (created_at = @afterAt AND grain_key < @afterKey))";

    public const string Orders = $"""
        SELECT document, created_at, grain_key FROM granary_order_list
        WHERE organization_id = @org
          AND (@status IS NULL OR status = @status)
          AND (@channel IS NULL OR channel = @channel)
          AND (@email IS NULL OR customer_email = @email)
          AND (@from IS NULL OR created_at >= @from)
          AND (@to IS NULL OR created_at < @to)
          AND {After}
        ORDER BY created_at DESC, grain_key DESC
        LIMIT @limit
        """;

    public const string Inventory = """
        SELECT sku, on_hand, reserved FROM granary_stock_list
        WHERE organization_id = @org AND (@after IS NULL OR sku > @after)
        ORDER BY sku
        LIMIT @limit
        """;

    public const string Deliveries = $"""
        SELECT document, created_at, grain_key FROM granary_webhook_delivery_list
        WHERE organization_id = @org
          AND (@endpoint IS NULL OR endpoint_id = @endpoint)
          AND (@status IS NULL OR status = @status)
          AND {After}
        ORDER BY created_at DESC, grain_key DESC
        LIMIT @limit
        """;

    public const string EmailJobs = $"""
        SELECT document, created_at, grain_key FROM granary_email_job_list
        WHERE organization_id = @org AND status = @status AND {After}
        ORDER BY created_at DESC, grain_key DESC
        LIMIT @limit
        """;

    /// <summary>Rows (kind, status, count) of one organization; each branch reads its own index.</summary>
    public const string JobCounts = """
        SELECT 'webhook', status, COUNT(*) FROM granary_webhook_delivery_list WHERE organization_id = @org GROUP BY status
        UNION ALL
        SELECT 'email', status, COUNT(*) FROM granary_email_job_list WHERE organization_id = @org GROUP BY status
        """;

    /// <summary>Rows (kind, status, count) of jobs pending, retrying or dead in every organization, from the partial "open" indexes.</summary>
    public const string OpenJobCounts = """
        SELECT 'webhook', status, COUNT(*) FROM granary_webhook_delivery_list WHERE status IN ('Pending', 'Retrying', 'Dead') GROUP BY status
        UNION ALL
        SELECT 'email', status, COUNT(*) FROM granary_email_job_list WHERE status IN ('Pending', 'Retrying', 'Dead') GROUP BY status
        """;

    public const string ExpiredRefreshFamilies = """
        SELECT grain_key FROM granary_refresh_families
        WHERE (revoked = 1 OR expires_at < @cutoff) AND (@after IS NULL OR grain_key > @after)
        ORDER BY grain_key
        LIMIT @limit
        """;
}
