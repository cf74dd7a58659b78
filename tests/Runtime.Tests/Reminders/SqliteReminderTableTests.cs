using Granary.Runtime.Reminders;
using Granary.Runtime.Reminders.Sqlite;
using Microsoft.Data.Sqlite;

namespace Granary.Runtime.Tests.Reminders;

/// <summary>The reminder table contract against SQLite, one temporary database file per test.</summary>
public sealed class SqliteReminderTableTests : ReminderTableContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "granary-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "nested", "granary.db");

    protected override Task<IReminderTable> CreateTableAsync() =>
        Task.FromResult<IReminderTable>(new SqliteReminderTable(new SqliteReminderOptions { Path = DatabasePath }));

    protected override Task CleanUpAsync()
    {
        // Pooled connections keep the file open; close them before deleting it.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Initialize_CreatesTheDirectoryUsesWalAndAppliesTheRemindersMigrationOnce()
    {
        var again = new SqliteReminderTable(new SqliteReminderOptions { Path = DatabasePath });
        await again.InitializeAsync(CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM granary_schema_versions WHERE component = 'reminders'";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task CheckHealth_OfAnUnopenableFileReportsUnhealthyWithoutThrowing()
    {
        var unopenable = new SqliteReminderTable(new SqliteReminderOptions { Path = _directory });

        var health = await unopenable.CheckHealthAsync(CancellationToken.None);

        Assert.Equal(new ProviderHealth("reminders", "sqlite", false, health.Detail), health);
        Assert.Contains(_directory, health.Detail, StringComparison.Ordinal);
    }
}
