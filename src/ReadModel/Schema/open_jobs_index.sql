-- Jobs still to do (pending, retrying) and dead letters across every organization: what each silo's gauge
-- granary_jobs_current counts (at most every 15 s, only while /metrics is scraped). The partial indexes hold only
-- rows in those states, so the count reads them and never the succeeded jobs. Same statements on PostgreSQL and SQLite.
CREATE INDEX IF NOT EXISTS ix_granary_webhook_delivery_list_open
    ON granary_webhook_delivery_list (status) WHERE status IN ('Pending', 'Retrying', 'Dead');
CREATE INDEX IF NOT EXISTS ix_granary_email_job_list_open
    ON granary_email_job_list (status) WHERE status IN ('Pending', 'Retrying', 'Dead');
