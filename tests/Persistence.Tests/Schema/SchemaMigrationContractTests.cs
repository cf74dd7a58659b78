using System.Data.Common;
using System.Globalization;
using Granary.Persistence.Schema;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Persistence.Tests.Schema;

/// <summary>
/// The migrator's promises on each dialect: fresh → latest, idempotent, safe when silos race, and a refusal
/// (naming version and file) when the database does not match this build. Every test starts from an empty
/// database of its own.
/// </summary>
public abstract class SchemaMigrationContractTests
{
    protected abstract StorageDialect Dialect { get; }

    /// <summary>An empty database (or schema) for one test; the fixture or the test class drops it.</summary>
    protected abstract Task<string> NewDatabaseAsync();

    protected abstract DbConnection Connect(string connectionString);

    private IReadOnlyList<Migration> Migrations => MigrationCatalog.For(Dialect);

    private int Latest => SchemaMigrator.LatestVersion(Dialect);

    [Fact]
    public async Task CurrentVersion_OfFreshDatabase_IsZero()
    {
        var database = await NewDatabaseAsync();

        Assert.Equal(0, await Migrator(database).CurrentVersionAsync());
    }

    [Fact]
    public async Task Migrate_FreshDatabase_AppliesEveryMigrationUpToLatest()
    {
        var database = await NewDatabaseAsync();

        var result = await Migrator(database).MigrateAsync();

        Assert.Equal(0, result.FromVersion);
        Assert.Equal(Latest, result.ToVersion);
        Assert.Equal(Migrations.Select(m => m.Name), result.Applied);
        Assert.Equal(Latest, await Migrator(database).CurrentVersionAsync());
        Assert.Equal(Latest, await ScalarAsync(database, "SELECT count(*) FROM granary_schema_migrations"));
        Assert.Equal(0, await ScalarAsync(database, "SELECT count(*) FROM granary_grain_storage"));
        Assert.Equal(4, await ScalarAsync(database,
            "SELECT count(*) FROM OrleansQuery WHERE QueryKey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey')"));
    }

    [Fact]
    public async Task Migrate_SecondRun_ChangesNothing()
    {
        var database = await NewDatabaseAsync();
        await Migrator(database).MigrateAsync();
        var historyBefore = await HistoryAsync(database);

        var result = await Migrator(database).MigrateAsync();

        Assert.Equal(Latest, result.FromVersion);
        Assert.Equal(Latest, result.ToVersion);
        Assert.Empty(result.Applied);
        Assert.Equal(historyBefore, await HistoryAsync(database));
    }

    [Fact]
    public async Task Migrate_TwoMigratorsRacing_ApplyEachMigrationOnce()
    {
        var database = await NewDatabaseAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await Migrator(database).MigrateAsync();
        })).ToArray();

        start.SetResult();
        var results = await Task.WhenAll(runs);

        Assert.Equal(Migrations.Select(m => m.Name), results.SelectMany(r => r.Applied).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(Latest, r.ToVersion));
        Assert.Equal(Latest, await ScalarAsync(database, "SELECT count(*) FROM granary_schema_migrations"));
    }

    [Fact]
    public async Task Migrate_WhenAnAppliedMigrationWasEdited_RefusesNamingVersionAndFile()
    {
        var database = await NewDatabaseAsync();
        await Migrator(database).MigrateAsync();
        await ExecuteAsync(database, "UPDATE granary_schema_migrations SET checksum = 'edited' WHERE version = 1");

        var refusal = await Assert.ThrowsAsync<SchemaMigrationException>(() => Migrator(database).MigrateAsync());

        Assert.Contains("Schema migration 0001", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"Schema/{Dialect}/0001_grain_storage.sql", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("checksum edited", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_WhenDatabaseIsNewerThanThisBuild_Refuses()
    {
        var database = await NewDatabaseAsync();
        await Migrator(database).MigrateAsync();
        var future = Latest + 1;
        await ExecuteAsync(database,
            $"INSERT INTO granary_schema_migrations (version, name, checksum, applied_at) VALUES ({future}, '{future:D4}_from_the_future', 'x', CURRENT_TIMESTAMP)");

        var refusal = await Assert.ThrowsAsync<SchemaMigrationException>(() => Migrator(database).MigrateAsync());

        Assert.Contains($"schema version {future:D4} ({future:D4}_from_the_future), newer than this build knows (latest {Latest:D4})", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(Latest + 1, await ScalarAsync(database, "SELECT count(*) FROM granary_schema_migrations"));
    }

    [Fact]
    public async Task Verify_WhenSchemaIsBehind_FailsNamingWhatToRun()
    {
        var database = await NewDatabaseAsync();

        var refusal = await Assert.ThrowsAsync<SchemaMigrationException>(() => Migrator(database).VerifyAsync());

        Assert.Contains($"is at schema version 0, but this build needs version {Latest}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(Migrations[0].ResourcePath, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("SchemaMigrator.MigrateAsync", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("migrateOnStart: true", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Migrator(database).CurrentVersionAsync());
    }

    [Fact]
    public async Task Verify_WhenSchemaIsCurrent_Passes()
    {
        var database = await NewDatabaseAsync();
        await Migrator(database).MigrateAsync();

        await Migrator(database).VerifyAsync();

        Assert.Equal(Latest, await Migrator(database).CurrentVersionAsync());
    }

    protected async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = Connect(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    protected async Task<string?> TextAsync(string connectionString, string sql)
    {
        await using var connection = Connect(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = Connect(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> HistoryAsync(string connectionString)
    {
        await using var connection = Connect(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name, checksum, applied_at FROM granary_schema_migrations ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, 4).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private SchemaMigrator Migrator(string connectionString) =>
        new(Dialect, connectionString, NullLogger<SchemaMigrator>.Instance);
}
