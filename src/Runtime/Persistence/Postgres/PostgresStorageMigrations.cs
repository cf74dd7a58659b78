using Granary.Runtime.Persistence.Schema;

namespace Granary.Runtime.Persistence.Postgres;

/// <summary>
/// The schema of the PostgreSQL grain state store, component "storage". Released versions never change.
/// The primary key is the only index every operation needs.
/// </summary>
internal static class PostgresStorageMigrations
{
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "grain state table", """
            CREATE TABLE IF NOT EXISTS granary_grain_state (
                grain_type text NOT NULL,
                grain_key text NOT NULL,
                state_name text NOT NULL,
                payload jsonb NOT NULL,
                version bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (grain_type, grain_key, state_name));
            """),
    ];
}
