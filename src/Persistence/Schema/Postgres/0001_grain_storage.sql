-- Grain state for the Orleans ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet, Invariant Npgsql).
--
-- The provider ships no SQL: it reads the query texts below from OrleansQuery by key and binds
-- these parameters: ServiceId, GrainTypeString (Orleans passes the state name) and GrainTypeHash,
-- GrainIdHash, GrainIdN0, GrainIdN1, GrainIdExtensionString (the whole key for string keys, the
-- extension for Guid and integer keys, else NULL), GrainStateVersion (the caller ETag, NULL on a
-- first write) and PayloadBinary.
--
-- The ETag is the integer version. A write answers the new version, or no row when the caller
-- ETag does not match: the provider then throws InconsistentStateException. The unique key on the
-- whole identity makes the version check race-proof: of two first writes exactly one inserts, the
-- other hits ON CONFLICT DO NOTHING and answers no row instead of a unique violation.
-- Needs PostgreSQL 15 or later (UNIQUE NULLS NOT DISTINCT).

CREATE TABLE granary_grain_storage
(
    service_id       varchar(150) NOT NULL,
    state_name_hash  integer      NOT NULL,
    state_name       text         NOT NULL,
    grain_id_hash    integer      NOT NULL,
    grain_id_n0      bigint       NOT NULL,
    grain_id_n1      bigint       NOT NULL,
    grain_id_string  text         NULL,
    payload          bytea        NULL,
    version          integer      NOT NULL,
    modified_at      timestamptz  NOT NULL,
    -- The hashes lead so that the index narrows quickly; a NULL grain_id_string is one value here.
    CONSTRAINT granary_grain_storage_identity UNIQUE NULLS NOT DISTINCT
        (grain_id_hash, state_name_hash, service_id, grain_id_n0, grain_id_n1, state_name, grain_id_string)
);

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey   varchar(64) NOT NULL PRIMARY KEY,
    querytext  text        NOT NULL
);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $query$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM granary_grain_storage
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND state_name = @GrainTypeString
  AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
$query$),
('WriteToStorageKey', $query$
WITH updated AS
(
    UPDATE granary_grain_storage
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_id_hash = @GrainIdHash
      AND state_name_hash = @GrainTypeHash
      AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND state_name = @GrainTypeString
      AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
),
inserted AS
(
    INSERT INTO granary_grain_storage
        (service_id, state_name_hash, state_name, grain_id_hash, grain_id_n0, grain_id_n1,
         grain_id_string, payload, version, modified_at)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
           @GrainIdExtensionString, @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$query$),
('ClearStorageKey', $query$
UPDATE granary_grain_storage
SET payload = NULL, version = version + 1, modified_at = now()
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND state_name = @GrainTypeString
  AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version
$query$),
('DeleteStorageKey', $query$
DELETE FROM granary_grain_storage
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND state_name = @GrainTypeString
  AND grain_id_string IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version + 1
$query$)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
