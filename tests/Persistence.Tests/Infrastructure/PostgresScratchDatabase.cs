using Npgsql;

namespace Granary.Persistence.Tests.Infrastructure;

/// <summary>A PostgreSQL database of its own for one test class: created on start, dropped on dispose.</summary>
internal sealed class PostgresScratchDatabase : IAsyncDisposable
{
    private PostgresScratchDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresScratchDatabase> CreateAsync()
    {
        var name = $"granary_persistence_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"CREATE DATABASE {name}");
        var connectionString = new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = name }.ConnectionString;
        return new PostgresScratchDatabase(name, connectionString);
    }

    /// <summary>A connection string for the same database with <paramref name="schema"/> first on the search path.</summary>
    public string WithSearchPath(string schema) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        try
        {
            await connection.OpenAsync();
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at GRANARY_TEST_POSTGRES ({new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Password = null }}). " +
                "Start it with: bash scripts/services.sh start", exception);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
