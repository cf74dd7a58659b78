using Npgsql;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL database of its own for a test that reads or changes rows across the whole state table (the
/// clean-up sweep): created empty on the server of <see cref="TestDatabase.PostgresConnectionString"/>, dropped on
/// dispose, so neither the rows other tests and earlier runs left in the shared database nor this test's changes leak
/// between them.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _name;
    private readonly string _admin;

    private ScratchDatabase(string name, string admin, string connectionString)
    {
        _name = name;
        _admin = admin;
        ConnectionString = connectionString;
    }

    /// <summary>The connection string of the new database.</summary>
    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync()
    {
        var admin = TestDatabase.PostgresConnectionString;
        var name = "granary_scratch_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new ScratchDatabase(name, admin, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }
        await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    /// <summary>Runs <paramref name="sql"/> in this database.</summary>
    public Task ExecuteAsync(string sql) => ExecuteAsync(ConnectionString, sql);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
