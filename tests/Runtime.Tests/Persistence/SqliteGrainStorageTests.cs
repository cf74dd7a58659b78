using Granary.Runtime.Persistence;
using Granary.Runtime.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Granary.Runtime.Tests.Persistence;

/// <summary>The storage contract against a real SQLite file under the temp directory, plus SQLite specifics.</summary>
public sealed class SqliteGrainStorageTests : GrainStorageContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "granary-tests", Guid.NewGuid().ToString("N"));

    protected override string ExpectedKind => "sqlite";

    private string DatabasePath => Path.Combine(_directory, "granary.db");

    protected override Task<IGrainStorage> CreateStorageAsync() =>
        Task.FromResult<IGrainStorage>(Track(new SqliteGrainStorage(new SqliteStorageOptions { Path = DatabasePath })));

    protected override Task<IReadOnlyList<IGrainStorage>> CreateFreshStoragesAsync(int count)
    {
        var path = Path.Combine(_directory, "fresh.db");
        return Task.FromResult<IReadOnlyList<IGrainStorage>>(
            Enumerable.Range(0, count).Select(_ => (IGrainStorage)Track(new SqliteGrainStorage(new SqliteStorageOptions { Path = path }))).ToList());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Payload_IsQueryableWithJsonExtract()
    {
        var grain = NewGrainId();
        await Storage.WriteAsync(grain, "state", """{"Count":42,"Name":"rye"}""", null, CancellationToken.None);

        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_extract(payload, '$.Count'), json_extract(payload, '$.Name') FROM granary_grain_state WHERE grain_type = $type";
        command.Parameters.AddWithValue("$type", grain.Type);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(42L, reader.GetInt64(0));
        Assert.Equal("rye", reader.GetString(1));
    }

    [Fact]
    public async Task Initialize_CreatesTheFileInMissingDirectoriesWithWalJournal()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Write_StoresVersionAsEtagAndRecordsUpdateTime()
    {
        var grain = NewGrainId();
        var first = await Storage.WriteAsync(grain, "state", "{}", null, CancellationToken.None);
        var second = await Storage.WriteAsync(grain, "state", "{}", first, CancellationToken.None);

        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, updated_at FROM granary_grain_state WHERE grain_type = $type";
        command.Parameters.AddWithValue("$type", grain.Type);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.Equal(("1", "2"), (first, second));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2L, reader.GetInt64(0));
        Assert.InRange(DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Initialize_WithEmptyPath_FailsNamingTheOption()
    {
        var storage = Track(new SqliteGrainStorage(new SqliteStorageOptions { Path = " " }));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        Assert.Contains("SqliteStorageOptions.Path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealth_WhenFileCannotBeOpened_ReportsUnhealthyWithoutThrowing()
    {
        // A path below a regular file can never be opened.
        var blocker = Path.Combine(_directory, "blocker");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var storage = Track(new SqliteGrainStorage(new SqliteStorageOptions { Path = Path.Combine(blocker, "granary.db") }));

        var health = await storage.CheckHealthAsync(CancellationToken.None);

        Assert.False(health.Healthy);
        Assert.Equal(("storage", "sqlite"), (health.Component, health.Kind));
        Assert.False(string.IsNullOrEmpty(health.Detail));
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
