-- Granary's read model: one narrow row per listed entity, kept by its grain after each state write.
-- The same text runs on PostgreSQL and SQLite. Times are microseconds since the Unix epoch (UTC); `revision` is the
-- grain's write counter: a row only moves forward (an older write never overwrites a newer one).

CREATE TABLE IF NOT EXISTS granary_order_list (
    grain_key       text    NOT NULL PRIMARY KEY,
    organization_id text    NOT NULL,
    status          text    NOT NULL,
    channel         text    NULL,
    customer_email  text    NOT NULL,
    created_at      bigint  NOT NULL,
    revision        bigint  NOT NULL,
    document        text    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_granary_order_list_org_created
    ON granary_order_list (organization_id, created_at DESC, grain_key DESC);

CREATE TABLE IF NOT EXISTS granary_stock_list (
    organization_id text    NOT NULL,
    sku             text    NOT NULL,
    on_hand         integer NOT NULL,
    reserved        integer NOT NULL,
    revision        bigint  NOT NULL,
    PRIMARY KEY (organization_id, sku)
);

CREATE TABLE IF NOT EXISTS granary_webhook_delivery_list (
    grain_key       text    NOT NULL PRIMARY KEY,
    organization_id text    NOT NULL,
    endpoint_id     text    NOT NULL,
    status          text    NOT NULL,
    created_at      bigint  NOT NULL,
    revision        bigint  NOT NULL,
    document        text    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_granary_webhook_delivery_list_org_endpoint
    ON granary_webhook_delivery_list (organization_id, endpoint_id, created_at DESC, grain_key DESC);
CREATE INDEX IF NOT EXISTS ix_granary_webhook_delivery_list_org_status
    ON granary_webhook_delivery_list (organization_id, status, created_at DESC, grain_key DESC);

CREATE TABLE IF NOT EXISTS granary_email_job_list (
    grain_key       text    NOT NULL PRIMARY KEY,
    organization_id text    NOT NULL,
    status          text    NOT NULL,
    created_at      bigint  NOT NULL,
    revision        bigint  NOT NULL,
    document        text    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_granary_email_job_list_org_status
    ON granary_email_job_list (organization_id, status, created_at DESC, grain_key DESC);

CREATE TABLE IF NOT EXISTS granary_idempotency_records (
    grain_key  text   NOT NULL PRIMARY KEY,
    created_at bigint NOT NULL,
    revision   bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_granary_idempotency_records_created
    ON granary_idempotency_records (created_at);

CREATE TABLE IF NOT EXISTS granary_refresh_families (
    grain_key  text    NOT NULL PRIMARY KEY,
    revoked    integer NOT NULL,
    expires_at bigint  NOT NULL,
    revision   bigint  NOT NULL
);
