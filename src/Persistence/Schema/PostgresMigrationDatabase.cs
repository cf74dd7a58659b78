using System.Data.Common;
using Npgsql;

namespace Granary.Persistence.Schema;

/// <summary>PostgreSQL: one transaction under a transaction-scoped advisory lock.</summary>
internal sealed class PostgresMigrationDatabase(string connectionString) : MigrationDatabase
{
    // Any constant works as long as every Granary build uses the same one: it names "Granary's
    // schema migrations" among the advisory locks of this database ("GRANARY1" in ASCII).
    private const long AdvisoryLockKey = 0x4752414E41525931;

    private readonly string _connectionString = connectionString;

    public override StorageDialect Dialect => StorageDialect.Postgres;

    public override string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_connectionString);
            return $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
        }
    }

    public override string CreateHistoryTableSql => $"""
        CREATE TABLE IF NOT EXISTS {HistoryTable}
        (
            version     integer     NOT NULL PRIMARY KEY,
            name        text        NOT NULL,
            checksum    text        NOT NULL,
            applied_at  timestamptz NOT NULL
        )
        """;

    public override string RecordMigrationSql =>
        $"INSERT INTO {HistoryTable} (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, now())";

    public override string HistoryTableExistsSql => $"SELECT CASE WHEN to_regclass('{HistoryTable}') IS NULL THEN 0 ELSE 1 END";

    protected override DbConnection CreateConnection() => new NpgsqlConnection(_connectionString);

    public override async Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT pg_advisory_xact_lock(@key)";
            command.Parameters.Add(new NpgsqlParameter<long>("key", AdvisoryLockKey));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
