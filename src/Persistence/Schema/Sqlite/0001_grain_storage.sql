-- Grain state for the Orleans ADO.NET grain storage on SQLite (Microsoft.Data.Sqlite behind the
-- Orleans SQLite invariant).
--
-- Same contract as the PostgreSQL schema: the provider binds ServiceId, GrainTypeString (the state
-- name) and GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1, GrainIdExtensionString (NULL when
-- the key has none), GrainStateVersion (the caller ETag, NULL on a first write) and PayloadBinary.
-- A write answers the new version or no row on an ETag mismatch (InconsistentStateException).
--
-- The unique index treats a NULL grain_id_string as one value (SQLite indexes count NULLs as
-- distinct, so the index keys on IS NULL plus the text) and makes two racing first writes end
-- with one row: the loser hits ON CONFLICT DO NOTHING and answers no row.
-- The write is two statements, each its own autocommit transaction; exactly one of them can
-- change a row for a given GrainStateVersion (NULL inserts, a number updates).

CREATE TABLE granary_grain_storage
(
    service_id       TEXT    NOT NULL,
    state_name_hash  INTEGER NOT NULL,
    state_name       TEXT    NOT NULL,
    grain_id_hash    INTEGER NOT NULL,
    grain_id_n0      INTEGER NOT NULL,
    grain_id_n1      INTEGER NOT NULL,
    grain_id_string  TEXT    NULL,
    payload          BLOB    NULL,
    version          INTEGER NOT NULL,
    modified_at      TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX granary_grain_storage_identity ON granary_grain_storage
    (grain_id_hash, state_name_hash, service_id, grain_id_n0, grain_id_n1, state_name,
     grain_id_string IS NULL, ifnull(grain_id_string, ''));

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey   TEXT NOT NULL PRIMARY KEY,
    QueryText  TEXT NOT NULL
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM granary_grain_storage
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND state_name = @GrainTypeString
  AND grain_id_string IS @GrainIdExtensionString;
'),
('WriteToStorageKey', '
UPDATE granary_grain_storage
SET payload = @PayloadBinary, version = version + 1, modified_at = CURRENT_TIMESTAMP
WHERE @GrainStateVersion IS NOT NULL
  AND grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND state_name = @GrainTypeString
  AND grain_id_string IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;

INSERT INTO granary_grain_storage
    (service_id, state_name_hash, state_name, grain_id_hash, grain_id_n0, grain_id_n1,
     grain_id_string, payload, version, modified_at)
SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
       @GrainIdExtensionString, @PayloadBinary, 1, CURRENT_TIMESTAMP
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING version AS NewGrainStateVersion;
'),
('ClearStorageKey', '
UPDATE granary_grain_storage
SET payload = NULL, version = version + 1, modified_at = CURRENT_TIMESTAMP
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND state_name = @GrainTypeString
  AND grain_id_string IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version;
'),
('DeleteStorageKey', '
DELETE FROM granary_grain_storage
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND state_name = @GrainTypeString
  AND grain_id_string IS @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version + 1;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
