namespace Granary.WebApi.Queries;

/// <summary>
/// The statements over background-job rows (webhook deliveries and email jobs) for one SQL dialect, written once like
/// <see cref="OrderListSql"/>: <c>field("status")</c> reads a top-level JSON field as text, <c>parameter("x")</c> names a
/// parameter. Lists page by (createdAt DESC, grain_key DESC); the summary counts per status.
/// </summary>
internal sealed class JobListSql(Func<string, string> field, Func<string, string> parameter, string deliveryWithoutBody)
{
    private static readonly string Deliveries = $"grain_type = '{JobRows.DeliveryType}' AND state_name = '{JobRows.DeliveryState}'";
    private static readonly string Emails = $"grain_type = '{JobRows.EmailJobType}' AND state_name = '{JobRows.EmailJobState}'";


    /// <summary>Deliveries of an organization (optionally of one endpoint, of one status), without the sent body.</summary>
    public string DeliveryList { get; } = $"""
        SELECT {deliveryWithoutBody}, {field("createdAt")}, grain_key FROM granary_grain_state
        WHERE {Deliveries}
          AND {field("organizationId")} = {parameter("org")}
          AND ({parameter("endpoint")} IS NULL OR {field("endpointId")} = {parameter("endpoint")})
          AND ({parameter("status")} IS NULL OR {field("status")} = {parameter("status")})
          AND {Keyset(field, parameter)}
        ORDER BY {field("createdAt")} DESC, grain_key DESC
        LIMIT {parameter("limit")}
        """;

    /// <summary>Email jobs of an organization with one status.</summary>
    public string EmailList { get; } = $"""
        SELECT payload, {field("createdAt")}, grain_key FROM granary_grain_state
        WHERE {Emails}
          AND {field("organizationId")} = {parameter("org")}
          AND {field("status")} = {parameter("status")}
          AND {Keyset(field, parameter)}
        ORDER BY {field("createdAt")} DESC, grain_key DESC
        LIMIT {parameter("limit")}
        """;

    /// <summary>Rows (kind, status, count) of one organization; each branch reads its own partial index.</summary>
    public string Summary { get; } = $"""
        SELECT 'webhook', {field("status")}, COUNT(*) FROM granary_grain_state
        WHERE {Deliveries} AND {field("organizationId")} = {parameter("org")}
        GROUP BY {field("status")}
        UNION ALL
        SELECT 'email', {field("status")}, COUNT(*) FROM granary_grain_state
        WHERE {Emails} AND {field("organizationId")} = {parameter("org")}
        GROUP BY {field("status")}
        """;

    /// <summary>Expression indexes (partial: only job rows) serving the lists and the summary.</summary>
    public string Indexes { get; } = $"""
        CREATE INDEX IF NOT EXISTS ix_granary_deliveries_by_org_endpoint ON granary_grain_state
            (({field("organizationId")}), ({field("endpointId")}), ({field("createdAt")}) DESC, grain_key DESC)
            WHERE {Deliveries};
        CREATE INDEX IF NOT EXISTS ix_granary_deliveries_by_org_status ON granary_grain_state
            (({field("organizationId")}), ({field("status")}), ({field("createdAt")}) DESC, grain_key DESC)
            WHERE {Deliveries};
        CREATE INDEX IF NOT EXISTS ix_granary_emailjobs_by_org_status ON granary_grain_state
            (({field("organizationId")}), ({field("status")}), ({field("createdAt")}) DESC, grain_key DESC)
            WHERE {Emails};
        """;

    private static string Keyset(Func<string, string> field, Func<string, string> parameter) =>
        $"({parameter("afterAt")} IS NULL OR {field("createdAt")} < {parameter("afterAt")} " +
        $"OR ({field("createdAt")} = {parameter("afterAt")} AND grain_key < {parameter("afterKey")}))";
}
