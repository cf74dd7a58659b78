namespace Granary.ReadModel;

/// <summary>
/// Keys of grains that may hold due work, in key order, one text for PostgreSQL and SQLite. Run only when the reminder
/// table lost its rows (a rare restore), so they scan rather than cost every write an index.
/// </summary>
internal static class DueWorkSql
{
    public const string PendingOrders = """
        SELECT grain_key FROM granary_order_list
        WHERE status = 'Pending' AND (@after IS NULL OR grain_key > @after)
        ORDER BY grain_key
        LIMIT @limit
        """;

    public const string UnfinishedDeliveries = """
        SELECT grain_key FROM granary_webhook_delivery_list
        WHERE status IN ('Pending', 'Retrying') AND (@after IS NULL OR grain_key > @after)
        ORDER BY grain_key
        LIMIT @limit
        """;

    public const string UnfinishedEmailJobs = """
        SELECT grain_key FROM granary_email_job_list
        WHERE status IN ('Pending', 'Retrying') AND (@after IS NULL OR grain_key > @after)
        ORDER BY grain_key
        LIMIT @limit
        """;

    /// <summary>String keys of one state name in grain storage (users, daily summaries, webhook endpoints have no list rows).</summary>
    public const string StoredKeys = """
        SELECT grain_id_string FROM granary_grain_storage
        WHERE service_id = @service AND state_name = @state AND grain_id_string IS NOT NULL
          AND (@after IS NULL OR grain_id_string > @after)
        ORDER BY grain_id_string
        LIMIT @limit
        """;
}
