namespace Granary.WebApi.Queries;

/// <summary>
/// The list statements for one SQL dialect: <c>Field("status")</c> is how the dialect reads a top-level field of the
/// JSON payload as text, <c>P("x")</c> how it names a parameter. Both dialects share the shape of the queries, so
/// the keyset pagination (createdAt DESC, grain_key DESC) is written once.
/// </summary>
internal sealed class OrderListSql(Func<string, string> field, Func<string, string> parameter, string payloadWithoutOutbox)
{
    public string Orders { get; } = $"""
        SELECT {payloadWithoutOutbox}, {field("createdAt")}, grain_key FROM granary_grain_state
        WHERE grain_type = '{StateRows.OrderType}' AND state_name = '{StateRows.OrderState}'
          AND {field("organizationId")} = {parameter("org")}
          AND ({parameter("status")} IS NULL OR {field("status")} = {parameter("status")})
          AND ({parameter("channel")} IS NULL OR {field("channel")} = {parameter("channel")})
          AND ({parameter("email")} IS NULL OR {field("customerEmail")} = {parameter("email")})
          AND ({parameter("from")} IS NULL OR {field("createdAt")} >= {parameter("from")})
          AND ({parameter("to")} IS NULL OR {field("createdAt")} < {parameter("to")})
          AND ({parameter("afterAt")} IS NULL OR {field("createdAt")} < {parameter("afterAt")}
               OR ({field("createdAt")} = {parameter("afterAt")} AND grain_key < {parameter("afterKey")}))
        ORDER BY {field("createdAt")} DESC, grain_key DESC
        LIMIT {parameter("limit")}
        """;

    public string Inventory { get; } = $"""
        SELECT payload FROM granary_grain_state
        WHERE grain_type = '{StateRows.InventoryType}' AND state_name = '{StateRows.InventoryState}'
          AND {field("organizationId")} = {parameter("org")}
          AND ({parameter("after")} IS NULL OR {field("sku")} > {parameter("after")})
        ORDER BY {field("sku")}
        LIMIT {parameter("limit")}
        """;

    /// <summary>Expression indexes serving both lists (partial: only order and inventory rows).</summary>
    public string Indexes { get; } = $"""
        CREATE INDEX IF NOT EXISTS ix_granary_orders_by_org_created ON granary_grain_state
            (({field("organizationId")}), ({field("createdAt")}) DESC, grain_key DESC)
            WHERE grain_type = '{StateRows.OrderType}' AND state_name = '{StateRows.OrderState}';
        CREATE INDEX IF NOT EXISTS ix_granary_inventory_by_org_sku ON granary_grain_state
            (({field("organizationId")}), ({field("sku")}))
            WHERE grain_type = '{StateRows.InventoryType}' AND state_name = '{StateRows.InventoryState}';
        """;
}
