using Npgsql;

namespace Granary.Hosting.Tests;

/// <summary>A PostgreSQL database created for one test class and dropped (with its connections) at the end.</summary>
public sealed class ScratchDatabase : IAsyncLifetime
{
    public string Name { get; } = TestServices.UniqueName("granary_hosting").Replace('-', '_');

    public string ConnectionString => new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = Name }.ConnectionString;

    public Task InitializeAsync() => ExecuteAsync($"CREATE DATABASE \"{Name}\"");

    public Task DisposeAsync() => DropAsync();

    /// <summary>Drops the database at once, closing the connections to it; used to make storage unreachable.</summary>
    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
