-- Reminders for the Orleans ADO.NET reminder table (Microsoft.Orleans.Reminders.AdoNet) on SQLite.
--
-- The reminder table binds: ServiceId, GrainId (the full grain id text), ReminderName, StartTime
-- (UTC, stored by Microsoft.Data.Sqlite as text), Period (milliseconds), GrainHash (the grain
-- uniform hash cast to a signed int) and Version (the ETag parsed as an int). Ring ranges come as
-- BeginHash and EndHash, cast to signed ints the same way: Orleans picks ReadRangeRows1Key when
-- (int)begin < (int)end and ReadRangeRows2Key (the wrapping range) otherwise, so comparing the
-- signed values stored here gives the (begin, end] range of the unsigned ring.
-- Rows answer GrainId, ReminderName, StartTime, Period and Version; an upsert answers Version and
-- a delete answers one boolean column.

CREATE TABLE granary_reminder_entries
(
    service_id     TEXT    NOT NULL,
    grain_id       TEXT    NOT NULL,
    reminder_name  TEXT    NOT NULL,
    start_time     TEXT    NOT NULL,
    period_ms      INTEGER NOT NULL,
    grain_hash     INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
) STRICT, WITHOUT ROWID;

CREATE INDEX granary_reminder_entries_ring ON granary_reminder_entries (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM granary_reminder_entries
WHERE service_id = @ServiceId AND grain_id = @GrainId;
'),
('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM granary_reminder_entries
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
'),
('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM granary_reminder_entries
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
'),
('ReadReminderRowKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM granary_reminder_entries
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;
'),
('UpsertReminderRowKey', '
INSERT INTO granary_reminder_entries
    (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time,
    period_ms = excluded.period_ms,
    grain_hash = excluded.grain_hash,
    version = granary_reminder_entries.version + 1
RETURNING version AS Version;
'),
('DeleteReminderRowKey', '
DELETE FROM granary_reminder_entries
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
  AND version = @Version;
SELECT changes() > 0 AS Deleted;
'),
('DeleteReminderRowsKey', '
DELETE FROM granary_reminder_entries WHERE service_id = @ServiceId;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
