namespace Granary.Persistence;

/// <summary>The relational databases Granary keeps Orleans grain state (and, on SQLite, reminders) in.</summary>
public enum StorageDialect
{
    /// <summary>PostgreSQL 15 or later through Npgsql (the cluster profile).</summary>
    Postgres,

    /// <summary>A SQLite file through Microsoft.Data.Sqlite (the embedded single-silo profile).</summary>
    Sqlite,
}
