using Granary.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Granary.ReadModel.Tests;

/// <summary>
/// A read-model database of its own, migrated to the latest schema the way a silo does it: a scratch PostgreSQL
/// database (dropped on dispose) or a SQLite file in a temp folder (deleted on dispose).
/// </summary>
public sealed class ReadModelDatabaseFixture : IAsyncDisposable
{
    private const string DefaultPostgres = "Host=127.0.0.1;Port=55432;Database=granary_test;Username=granary;Password=granary";
    private readonly Func<ValueTask> _drop;

    private ReadModelDatabaseFixture(ReadModelDatabase database, Func<ValueTask> drop)
    {
        Database = database;
        _drop = drop;
    }

    public ReadModelDatabase Database { get; }

    public static async Task<ReadModelDatabaseFixture> PostgresAsync()
    {
        var server = Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultPostgres;
        var name = $"granary_readmodel_{Guid.NewGuid():N}";
        await OnServerAsync(server, $"CREATE DATABASE {name}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        await new SchemaMigrator(StorageDialect.Postgres, connectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        var database = ReadModelDatabase.ForPostgres(connectionString);
        return new ReadModelDatabaseFixture(database, async () =>
        {
            await database.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await OnServerAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        });
    }

    public static async Task<ReadModelDatabaseFixture> SqliteAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "granary-readmodel-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "granary.db");
        await new SchemaMigrator(StorageDialect.Sqlite, SqliteDatabase.ConnectionString(path), NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return new ReadModelDatabaseFixture(ReadModelDatabase.ForSqlite(path), () =>
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            return ValueTask.CompletedTask;
        });
    }

    public ValueTask DisposeAsync() => _drop();

    private static async Task OnServerAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        try
        {
            await connection.OpenAsync();
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException("PostgreSQL is not reachable at GRANARY_TEST_POSTGRES; start it with: bash scripts/services.sh start", exception);
        }
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
