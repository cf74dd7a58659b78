using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Granary.Persistence.Tests.Infrastructure;

/// <summary>
/// One silo with Granary's grain storage on a database of its own, shared by the test classes of one
/// dialect. The storage is resolved the way a silo resolves it: the keyed IGrainStorage from the silo's
/// services.
/// </summary>
public abstract class StorageSiloFixture : IAsyncLifetime
{
    /// <summary>The provider name the silo registers.</summary>
    public const string StorageName = "granary";

    /// <summary>A second provider on the same database with DeleteStateOnClear (its DeleteStorageKey query).</summary>
    public const string DeletingStorageName = "granary-delete-on-clear";

    private InProcessTestCluster? _cluster;

    public abstract StorageDialect Dialect { get; }

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not started.");

    public IGrainStorage Storage => Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageName);

    public IGrainStorage DeletingStorage => Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(DeletingStorageName);

    public string ServiceId => Cluster.Options.ServiceId;

    public async Task InitializeAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        _cluster = await OneSiloCluster.StartAsync(silo =>
        {
            silo.AddGranaryGrainStorage(StorageName, Dialect, connectionString);
            silo.AddGranaryGrainStorage(DeletingStorageName, Dialect, connectionString);
            silo.Services.Configure<AdoNetGrainStorageOptions>(DeletingStorageName, o => o.DeleteStateOnClear = true);
        });
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    /// <summary>Runs SQL against the fixture's database (to plant rows the way an older build wrote them); returns the rows changed.</summary>
    public abstract Task<int> ExecuteSqlAsync(string sql, params (string Name, object? Value)[] parameters);

    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();
}

/// <summary>Grain storage on a scratch PostgreSQL database.</summary>
public sealed class PostgresStorageSiloFixture : StorageSiloFixture
{
    private PostgresScratchDatabase? _database;

    public override StorageDialect Dialect => StorageDialect.Postgres;

    public override Task<int> ExecuteSqlAsync(string sql, params (string Name, object? Value)[] parameters) =>
        _database!.ExecuteAsync(sql, parameters);

    /// <summary>The first column of the first row <paramref name="sql"/> answers on the fixture's database; null when none.</summary>
    public Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters) =>
        _database!.ScalarAsync(sql, parameters);

    protected override async Task<string> CreateDatabaseAsync()
    {
        _database = await PostgresScratchDatabase.CreateAsync();
        return _database.ConnectionString;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>Grain storage on a temp SQLite file.</summary>
public sealed class SqliteStorageSiloFixture : StorageSiloFixture
{
    private SqliteScratchFile? _file;

    public override StorageDialect Dialect => StorageDialect.Sqlite;

    public override Task<int> ExecuteSqlAsync(string sql, params (string Name, object? Value)[] parameters) =>
        _file!.ExecuteAsync(sql, parameters);

    protected override Task<string> CreateDatabaseAsync()
    {
        _file = new SqliteScratchFile();
        return Task.FromResult(_file.ConnectionString);
    }

    protected override Task DropDatabaseAsync()
    {
        _file?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The test classes sharing the PostgreSQL grain storage silo.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresStorageCollection : ICollectionFixture<PostgresStorageSiloFixture>
{
    public const string Name = "postgres grain storage silo";
}

/// <summary>The test classes sharing the SQLite grain storage silo.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteStorageCollection : ICollectionFixture<SqliteStorageSiloFixture>
{
    public const string Name = "sqlite grain storage silo";
}
