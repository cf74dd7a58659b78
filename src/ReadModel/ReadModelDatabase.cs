using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Granary.Persistence;
using Npgsql;

namespace Granary.ReadModel;

/// <summary>
/// The SQL database the read model lives in: the one that holds grain state (<c>Granary:Storage</c>), a PostgreSQL
/// pool or a SQLite file; none on memory storage, where lists are not served. One per silo, shared by the writers
/// and the queries.
/// </summary>
public sealed class ReadModelDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqliteConnectionString;

    private ReadModelDatabase(NpgsqlDataSource? postgres, string? sqliteConnectionString)
    {
        _postgres = postgres;
        _sqliteConnectionString = sqliteConnectionString;
    }

    /// <summary>False on memory storage: nothing is written and lists answer that they need SQL.</summary>
    public bool Exists => _postgres is not null || _sqliteConnectionString is not null;

    /// <summary>True for PostgreSQL: statements that differ by dialect choose by it.</summary>
    public bool IsPostgres => _postgres is not null;

    /// <summary>"postgres", "sqlite" or "none", for logs and health.</summary>
    public string Kind => IsPostgres ? "postgres" : _sqliteConnectionString is not null ? "sqlite" : "none";

    public static ReadModelDatabase None { get; } = new(null, null);

    /// <summary>A PostgreSQL database, with the same connection defaults as the grain storage (<see cref="PostgresDatabase"/>).</summary>
    public static ReadModelDatabase ForPostgres(string connectionString) => new(NpgsqlDataSource.Create(PostgresDatabase.ConnectionString(connectionString)), null);

    /// <summary>A SQLite file, opened as the grain storage opens it (<see cref="SqliteDatabase"/>).</summary>
    public static ReadModelDatabase ForSqlite(string path) => new(null, SqliteDatabase.ConnectionString(path));

    /// <summary>The database of the <c>Storage</c> sub-section of <paramref name="granary"/> (Provider Postgres, Sqlite — the default — or Memory).</summary>
    public static ReadModelDatabase From(IConfiguration granary)
    {
        var storage = granary.GetSection("Storage");
        return storage["Provider"]?.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" or "npgsql" => ForPostgres(storage["Postgres:ConnectionString"] is { Length: > 0 } connectionString
                ? connectionString
                : throw new InvalidOperationException("Granary:Storage:Postgres:ConnectionString is required: the read model lives in the storage database.")),
            "memory" => None,
            _ => ForSqlite(storage["Sqlite:Path"] is { Length: > 0 } path ? path : "data/granary.db"),
        };
    }

    /// <summary>An open connection; the caller disposes it.</summary>
    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }
        var connection = new SqliteConnection(_sqliteConnectionString ?? throw new InvalidOperationException("This silo keeps no read model (memory storage)."));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
