using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Granary.Persistence.Schema;

/// <summary>SQLite: WAL journal mode, then one BEGIN IMMEDIATE transaction (the database's single write lock).</summary>
internal sealed class SqliteMigrationDatabase(string connectionString) : MigrationDatabase
{
    private readonly string _connectionString = connectionString;

    public override StorageDialect Dialect => StorageDialect.Sqlite;

    public override string Description => $"SQLite file '{new SqliteConnectionStringBuilder(_connectionString).DataSource}'";

    public override string CreateHistoryTableSql => $"""
        CREATE TABLE IF NOT EXISTS {HistoryTable}
        (
            version     INTEGER NOT NULL PRIMARY KEY,
            name        TEXT    NOT NULL,
            checksum    TEXT    NOT NULL,
            applied_at  TEXT    NOT NULL
        ) STRICT
        """;

    public override string RecordMigrationSql =>
        $"INSERT INTO {HistoryTable} (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

    public override string HistoryTableExistsSql =>
        $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{HistoryTable}'";

    protected override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public override async Task<DbTransaction> BeginExclusiveAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets readers run beside the writer; the mode is stored in the file, so setting it once
        // serves every later connection. It cannot change inside a transaction, hence here.
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, and a second migrator waits
        // for it (Microsoft.Data.Sqlite retries SQLITE_BUSY until the connection's default timeout).
        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }
}
