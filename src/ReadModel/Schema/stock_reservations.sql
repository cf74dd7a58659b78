-- One row per reservation an order holds on a SKU. A SKU's inventory grain stores only its counts and the
-- reservations its latest write changed; every older reservation is here, so a busy SKU's write no longer rewrites
-- the reservations of every open order. The SKU's granary_stock_list row carries the revision these rows are at.
-- Same statements on PostgreSQL and SQLite.
CREATE TABLE IF NOT EXISTS granary_stock_reservations (
    organization_id text    NOT NULL,
    sku             text    NOT NULL,
    order_id        text    NOT NULL,
    quantity        integer NOT NULL,
    PRIMARY KEY (organization_id, sku, order_id)
);
