using System.Data.Common;
using Granary.Persistence.Tests.Infrastructure;
using Npgsql;

namespace Granary.Persistence.Tests.Schema;

/// <summary>The migrator on PostgreSQL: each test gets a schema of its own in the class's scratch database.</summary>
public sealed class PostgresSchemaMigrationTests(PostgresMigrationDatabase database)
    : SchemaMigrationContractTests, IClassFixture<PostgresMigrationDatabase>
{
    protected override StorageDialect Dialect => StorageDialect.Postgres;

    protected override DbConnection Connect(string connectionString) => new NpgsqlConnection(connectionString);

    protected override async Task<string> NewDatabaseAsync()
    {
        var schema = $"migration_{Guid.NewGuid():N}";
        await database.Scratch.ExecuteAsync($"CREATE SCHEMA {schema}");
        return database.Scratch.WithSearchPath(schema);
    }
}

/// <summary>The scratch PostgreSQL database of <see cref="PostgresSchemaMigrationTests"/>.</summary>
public sealed class PostgresMigrationDatabase : IAsyncLifetime
{
    private PostgresScratchDatabase? _scratch;

    internal PostgresScratchDatabase Scratch => _scratch ?? throw new InvalidOperationException("The database is not created.");

    public async Task InitializeAsync() => _scratch = await PostgresScratchDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
    }
}
