using System.Data.Common;

namespace Granary.Persistence.Schema;

/// <summary>
/// What differs between dialects when migrating: how to connect, how to keep two migrators from
/// interleaving, and the SQL of the history table. <see cref="SchemaMigrator"/> holds the rest.
/// </summary>
internal abstract class MigrationDatabase
{
    /// <summary>The table recording every applied migration (version, name, checksum, applied_at).</summary>
    public const string HistoryTable = "granary_schema_migrations";

    public abstract StorageDialect Dialect { get; }

    /// <summary>The database named for humans, without credentials.</summary>
    public abstract string Description { get; }

    /// <summary>Creates the history table when it does not exist.</summary>
    public abstract string CreateHistoryTableSql { get; }

    /// <summary>Inserts one history row from @version, @name and @checksum, stamped with the database clock.</summary>
    public abstract string RecordMigrationSql { get; }

    /// <summary>Answers one row with a non-zero value when the history table exists.</summary>
    public abstract string HistoryTableExistsSql { get; }

    /// <summary>An open connection; the caller disposes it.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new, closed connection to the database.</summary>
    protected abstract DbConnection CreateConnection();

    /// <summary>
    /// Begins the one transaction a migration run happens in, holding the lock that makes a second
    /// migrator (another silo starting at the same moment) wait until this one commits.
    /// </summary>
    public abstract Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken cancellationToken);

    public static MigrationDatabase Create(StorageDialect dialect, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return dialect switch
        {
            StorageDialect.Postgres => new PostgresMigrationDatabase(connectionString),
            StorageDialect.Sqlite => new SqliteMigrationDatabase(connectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Unknown storage dialect."),
        };
    }
}
