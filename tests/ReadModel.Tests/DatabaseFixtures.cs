namespace Granary.ReadModel.Tests;

/// <summary>One migrated database per test class; tests keep apart by using organizations of their own.</summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    private ReadModelDatabaseFixture? _fixture;

    public ReadModelDatabase Database => _fixture?.Database ?? throw new InvalidOperationException("The fixture has not started.");

    protected abstract Task<ReadModelDatabaseFixture> CreateAsync();

    public async Task InitializeAsync() => _fixture = await CreateAsync();

    public async Task DisposeAsync()
    {
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }
    }
}

public sealed class PostgresDatabaseFixture : DatabaseFixture
{
    protected override Task<ReadModelDatabaseFixture> CreateAsync() => ReadModelDatabaseFixture.PostgresAsync();
}

public sealed class SqliteDatabaseFixture : DatabaseFixture
{
    protected override Task<ReadModelDatabaseFixture> CreateAsync() => ReadModelDatabaseFixture.SqliteAsync();
}
