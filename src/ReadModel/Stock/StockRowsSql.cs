namespace Granary.ReadModel;

/// <summary>
/// The statements of <see cref="StockRows"/>. A write moves the stock-list row and the reservation rows together, and
/// only when the stock-list row is older than the write's revision. PostgreSQL runs it as one statement (the
/// reservation changes gated on the stock-list upsert, order ids and quantities as arrays; the removed keys are a
/// subquery so that each is found by its primary key even while the table's statistics still say it is empty, where
/// <c>order_id = ANY(…)</c> had every reservation of the SKU read); SQLite, which has no
/// data-modifying CTEs, as three statements with the changes as JSON, the stock-list row last: each change is
/// idempotent, so a write cut short is completed by the next attempt at the same revision.
/// </summary>
internal static class StockRowsSql
{
    public const string PostgresWrite = """
        WITH level AS (
            INSERT INTO granary_stock_list (organization_id, sku, on_hand, reserved, revision)
            VALUES (@org, @sku, @onHand, @reserved, @revision)
            ON CONFLICT (organization_id, sku) DO UPDATE SET
                on_hand = excluded.on_hand, reserved = excluded.reserved, revision = excluded.revision
            WHERE granary_stock_list.revision < excluded.revision
            RETURNING 1
        ), removed AS (
            DELETE FROM granary_stock_reservations
            WHERE (organization_id, sku, order_id) IN (SELECT @org, @sku, unnest(@removed)) AND EXISTS (SELECT FROM level)
        )
        INSERT INTO granary_stock_reservations (organization_id, sku, order_id, quantity)
        SELECT @org, @sku, a.order_id, a.quantity FROM unnest(@added, @quantities) AS a(order_id, quantity)
        WHERE EXISTS (SELECT FROM level)
        ON CONFLICT (organization_id, sku, order_id) DO UPDATE SET quantity = excluded.quantity
        """;

    public const string SqliteWrite = """
        DELETE FROM granary_stock_reservations
        WHERE organization_id = @org AND sku = @sku AND order_id IN (SELECT value FROM json_each(@removed))
          AND NOT EXISTS (SELECT 1 FROM granary_stock_list WHERE organization_id = @org AND sku = @sku AND revision >= @revision);
        INSERT INTO granary_stock_reservations (organization_id, sku, order_id, quantity)
        SELECT @org, @sku, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@added)
        WHERE NOT EXISTS (SELECT 1 FROM granary_stock_list WHERE organization_id = @org AND sku = @sku AND revision >= @revision)
        ON CONFLICT (organization_id, sku, order_id) DO UPDATE SET quantity = excluded.quantity;
        INSERT INTO granary_stock_list (organization_id, sku, on_hand, reserved, revision)
        VALUES (@org, @sku, @onHand, @reserved, @revision)
        ON CONFLICT (organization_id, sku) DO UPDATE SET
            on_hand = excluded.on_hand, reserved = excluded.reserved, revision = excluded.revision
        WHERE granary_stock_list.revision < excluded.revision;
        """;

    public const string Revision = "SELECT revision FROM granary_stock_list WHERE organization_id = @org AND sku = @sku";

    public const string Reservations = "SELECT order_id, quantity FROM granary_stock_reservations WHERE organization_id = @org AND sku = @sku";
}
