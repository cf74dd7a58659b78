using Microsoft.Data.Sqlite;
using Npgsql;

namespace Granary.Persistence.Hosting;

/// <summary>
/// The databases a silo must find at the current schema before its Orleans providers start, collected
/// from every AddGranaryGrainStorage / UseGranarySqliteReminderService call. Registrations that point at
/// the same database (storage and reminders in one SQLite file) collapse into one target, so it is
/// migrated once; if any of them asks for start-up migration, the target is migrated.
/// </summary>
internal sealed class SchemaStartupTargets
{
    private readonly Dictionary<string, SchemaStartupTarget> _targets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(StorageDialect dialect, string connectionString, bool migrateOnStart)
    {
        var key = IdentityOf(dialect, connectionString);
        lock (_lock)
        {
            if (_targets.TryGetValue(key, out var existing))
            {
                _targets[key] = existing with { MigrateOnStart = existing.MigrateOnStart || migrateOnStart };
            }
            else
            {
                _targets[key] = new SchemaStartupTarget(dialect, connectionString, migrateOnStart);
            }
        }
    }

    public IReadOnlyList<SchemaStartupTarget> Snapshot()
    {
        lock (_lock)
        {
            return [.. _targets.Values];
        }
    }

    /// <summary>Which database a connection string reaches, ignoring pooling, timeouts and key order.</summary>
    internal static string IdentityOf(StorageDialect dialect, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        switch (dialect)
        {
            case StorageDialect.Postgres:
                var npgsql = new NpgsqlConnectionStringBuilder(connectionString);
                return $"postgres|{npgsql.Host}|{npgsql.Port}|{npgsql.Database}|{npgsql.SearchPath}";
            case StorageDialect.Sqlite:
                var sqlite = new SqliteConnectionStringBuilder(connectionString);
                return $"sqlite|{Path.GetFullPath(sqlite.DataSource)}";
            default:
                throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Unknown storage dialect.");
        }
    }
}

/// <summary>One database to migrate (or only verify) at silo start.</summary>
internal sealed record SchemaStartupTarget(StorageDialect Dialect, string ConnectionString, bool MigrateOnStart);
