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
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row <paramref name="sql"/> answers; null when it answers none.</summary>
    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value ?? DBNull.Value);
        }
        return command;
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
