-- Idempotency-Keys need no records of their own any more: the order an Idempotency-Key creates has an id derived
-- from the organization and the key, so the order grain itself de-duplicates retries (for as long as the order
-- exists) and the clean-up sweep no longer reads these rows. Same statement on PostgreSQL and SQLite.
DROP TABLE IF EXISTS granary_idempotency_records;
