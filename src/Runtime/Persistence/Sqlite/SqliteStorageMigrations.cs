using Granary.Runtime.Persistence.Schema;

namespace Granary.Runtime.Persistence.Sqlite;

/// <summary>The schema of the SQLite grain state store, component "storage". Released versions never change.</summary>
internal static class SqliteStorageMigrations
{
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "grain state table", """
            CREATE TABLE IF NOT EXISTS granary_grain_state (
                grain_type TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                state_name TEXT NOT NULL,
                payload TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (grain_type, grain_key, state_name));
            """),
    ];
}
