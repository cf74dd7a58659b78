using Granary.Runtime.Persistence;
using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Tests.Runtime;

/// <summary>Grain state through IPersistentState, against each real provider.</summary>
public abstract class PersistenceTests
{
    protected abstract Task<TestStorage> StorageAsync();

    private async Task<TestCluster> StartAsync(EventLog log) =>
        await ClusterFactory.StartAsync(log, o => o.Storage = StorageAsync().GetAwaiter().GetResult());

    private static IGrainStorage StorageOf(TestCluster cluster) =>
        cluster.ServicesOf(cluster.Primary).GetRequiredKeyedService<IGrainStorage>(PersistentStateAttribute.DefaultStorageName);

    [Fact]
    public async Task State_SurvivesASiloRestart()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"restart-{Guid.NewGuid():N}";
        for (var i = 0; i < 5; i++)
        {
            await cluster.GrainFactory.GetGrain<ICounterGrain>(key).Increment();
        }

        await cluster.RestartSiloAsync(cluster.Primary);

        Assert.Equal(5, await cluster.GrainFactory.GetGrain<ICounterGrain>(key).Get());
        Assert.Contains($"counter activate {key} at 5", log.Entries);
    }

    [Fact]
    public async Task ConflictingWrite_ThrowsInconsistentState_DeactivatesAndTheNextCallSeesTheStoredState()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);
        var key = $"conflict-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.Increment();
        var etag = await grain.Etag();

        // Another writer (a second activation elsewhere, an operator) changes the record behind the grain's back.
        var storage = StorageOf(cluster);
        var id = ((Messaging.GrainReference)(object)grain).GrainId;
        await storage.WriteAsync(id, "counter", """{"count":100,"label":"external"}""", etag, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Increment());
        Assert.Equal(101, await grain.Increment());
        Assert.Contains($"counter activate {key} at 100", log.Entries);
        Assert.Equal("external", await grain.Label());
    }

    [Fact]
    public async Task StateWrittenByAnOlderShape_StillLoads()
    {
        await using var cluster = await StartAsync(new EventLog());
        var key = $"old-shape-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>(key);
        var id = ((Messaging.GrainReference)(object)grain).GrainId;

        // Written before "label" existed, with a field that has since been removed.
        await StorageOf(cluster).WriteAsync(id, "counter", """{"count":7,"retiredField":"x"}""", null, CancellationToken.None);

        Assert.Equal(7, await grain.Get());
        Assert.Equal("unnamed", await grain.Label());
        Assert.Equal(8, await grain.Increment());
    }

    [Fact]
    public async Task ClearState_RemovesTheRecord()
    {
        await using var cluster = await StartAsync(new EventLog());
        var key = $"clear-{Guid.NewGuid():N}";
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>(key);
        await grain.Increment();

        await grain.Clear();

        Assert.Null(await grain.Etag());
        Assert.Equal(0, await grain.Get());
        Assert.Null(await StorageOf(cluster).ReadAsync(((Messaging.GrainReference)(object)grain).GrainId, "counter", CancellationToken.None));
    }

    [Fact]
    public async Task StoredState_IsJsonReadableWithSql()
    {
        await using var cluster = await StartAsync(new EventLog());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>($"json-{Guid.NewGuid():N}");
        await grain.Increment();

        var stored = await StorageOf(cluster).ReadAsync(((Messaging.GrainReference)(object)grain).GrainId, "counter", CancellationToken.None);

        using var json = System.Text.Json.JsonDocument.Parse(stored!.Json);
        Assert.Equal(1, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal("unnamed", json.RootElement.GetProperty("label").GetString());
    }
}

public sealed class MemoryPersistenceTests : PersistenceTests
{
    protected override Task<TestStorage> StorageAsync() => Task.FromResult(TestStorage.Memory);
}

public sealed class SqlitePersistenceTests : PersistenceTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<TestStorage> StorageAsync() => Task.FromResult(TestStorage.Sqlite(_directory.File("granary.db")));

    public void Dispose() => _directory.Dispose();
}

public sealed class PostgresPersistenceTests : PersistenceTests
{
    protected override async Task<TestStorage> StorageAsync()
    {
        await TestServices.RequirePostgresAsync();
        return TestStorage.Postgres(TestServices.PostgresConnectionString);
    }
}
