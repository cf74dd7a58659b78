using System.Data.Common;
using Granary.Persistence.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Persistence.Tests.Schema;

/// <summary>The migrator on SQLite: each test gets a file of its own.</summary>
public sealed class SqliteSchemaMigrationTests : SchemaMigrationContractTests, IDisposable
{
    private readonly List<SqliteScratchFile> _files = [];

    protected override StorageDialect Dialect => StorageDialect.Sqlite;

    [Fact]
    public async Task Migrate_SwitchesTheFileToWalJournalMode()
    {
        var database = await NewDatabaseAsync();

        await new SchemaMigrator(StorageDialect.Sqlite, database, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        Assert.Equal("wal", await TextAsync(database, "PRAGMA journal_mode"));
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    protected override DbConnection Connect(string connectionString) => new SqliteConnection(connectionString);

    protected override Task<string> NewDatabaseAsync()
    {
        var file = new SqliteScratchFile();
        _files.Add(file);
        return Task.FromResult(file.ConnectionString);
    }
}
