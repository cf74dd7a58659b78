using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Granary.WebApi.Queries;

/// <summary>
/// The SQL database the grain state lives in, from <c>Granary:Storage</c>, shared by every query over the state rows
/// (lists and the clean-up sweep): one PostgreSQL connection pool, one SQLite connection string. Memory storage has
/// no database (<see cref="IsMemory"/>).
/// </summary>
internal sealed class StateDatabase : IAsyncDisposable
{
    private StateDatabase(NpgsqlDataSource? postgres, string? sqliteConnectionString)
    {
        Postgres = postgres;
        SqliteConnectionString = sqliteConnectionString;
    }

    /// <summary>Set when state is in PostgreSQL.</summary>
    public NpgsqlDataSource? Postgres { get; }

    /// <summary>Set when state is in a SQLite file.</summary>
    public string? SqliteConnectionString { get; }

    public bool IsMemory => Postgres is null && SqliteConnectionString is null;

    public static StateDatabase From(IConfiguration configuration)
    {
        var storage = configuration.GetSection("Granary:Storage");
        return storage["Provider"]?.ToLowerInvariant() switch
        {
            "postgres" or "postgresql" => new StateDatabase(NpgsqlDataSource.Create(storage["Postgres:ConnectionString"]
                ?? throw new InvalidOperationException("Granary:Storage:Postgres:ConnectionString is required for queries on PostgreSQL.")), null),
            "memory" => new StateDatabase(null, null),
            _ => new StateDatabase(null, new SqliteConnectionStringBuilder
            {
                DataSource = Path.GetFullPath(storage["Sqlite:Path"] is { Length: > 0 } path ? path : "data/granary.db"),
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = true,
                DefaultTimeout = 5,
            }.ToString()),
        };
    }

    public ValueTask DisposeAsync() => Postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
