using Granary.Persistence.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.Storage;

namespace Granary.Persistence.Tests.GrainStorage;

/// <summary>
/// What every IGrainStorage Granary registers must do, whatever the database: the ETag contract
/// (optimistic concurrency, InconsistentStateException), clear, and one record per (grain, state name).
/// Each test uses grain types or keys of its own, so the tests share one silo.
/// </summary>
public abstract class GrainStorageContractTests(StorageSiloFixture fixture)
{
    private const string StateName = "probe";

    private IGrainStorage Storage => fixture.Storage;

    [Fact]
    public async Task Read_MissingRecord_ReturnsDefaultStateWithoutEtag()
    {
        var state = new GrainState<ProbeState>();

        await Storage.ReadStateAsync(StateName, NewGrainId(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal("", StateOf(state).Text);
        Assert.Equal(0, StateOf(state).Number);
        Assert.Null(StateOf(state).Blob);
    }

    [Fact]
    public async Task Write_ThenRead_ReturnsWrittenStateAndEtag()
    {
        var grainId = NewGrainId();
        var written = NewState("first", 7);

        await Storage.WriteStateAsync(StateName, grainId, written);
        var read = await ReadAsync(grainId);

        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("first", StateOf(read).Text);
        Assert.Equal(7, StateOf(read).Number);
    }

    [Fact]
    public async Task Write_WithStaleEtag_ThrowsInconsistentState()
    {
        var grainId = NewGrainId();
        var current = NewState("v1", 1);
        await Storage.WriteStateAsync(StateName, grainId, current);
        var stale = new GrainState<ProbeState>(new ProbeState { Text = "stale" }, current.ETag);
        StateOf(current).Text = "v2";
        await Storage.WriteStateAsync(StateName, grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grainId, stale));

        var read = await ReadAsync(grainId);
        Assert.Equal("v2", StateOf(read).Text);
        Assert.Equal(current.ETag, read.ETag);
    }

    [Fact]
    public async Task Write_WithNullEtagWhenRecordExists_ThrowsInconsistentState()
    {
        var grainId = NewGrainId();
        var first = NewState("first", 1);
        await Storage.WriteStateAsync(StateName, grainId, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grainId, NewState("second", 2)));

        var read = await ReadAsync(grainId);
        Assert.Equal("first", StateOf(read).Text);
        Assert.Equal(first.ETag, read.ETag);
    }

    [Fact]
    public async Task FirstWrites_Racing_ExactlyOneSucceeds()
    {
        const int Writers = 8;
        var grainId = NewGrainId();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var states = Enumerable.Range(0, Writers).Select(i => NewState($"writer-{i}", i)).ToArray();
        var writes = states.Select(state => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Storage.WriteStateAsync(StateName, grainId, state);
                return null;
            }
            catch (Exception exception)
            {
                return exception;
            }
        })).ToArray();

        start.SetResult();
        var outcomes = await Task.WhenAll(writes);

        var winners = Enumerable.Range(0, Writers).Where(i => outcomes[i] is null).ToArray();
        var winner = Assert.Single(winners);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<InconsistentStateException>(o));
        var read = await ReadAsync(grainId);
        Assert.Equal($"writer-{winner}", StateOf(read).Text);
        Assert.Equal(states[winner].ETag, read.ETag);
    }

    [Fact]
    public async Task Clear_ThenRead_ReturnsDefaultStateWithoutRecord()
    {
        var grainId = NewGrainId();
        var state = NewState("to clear", 3);
        await Storage.WriteStateAsync(StateName, grainId, state);
        var writtenEtag = state.ETag;

        await Storage.ClearStateAsync(StateName, grainId, state);
        var read = await ReadAsync(grainId);

        Assert.False(state.RecordExists);
        Assert.Equal("", StateOf(state).Text);
        Assert.False(read.RecordExists);
        Assert.Equal("", StateOf(read).Text);
        Assert.Equal(0, StateOf(read).Number);
        Assert.NotEqual(writtenEtag, state.ETag);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public async Task Clear_WithStaleEtag_ThrowsInconsistentStateAndKeepsRecord()
    {
        var grainId = NewGrainId();
        var state = NewState("v1", 1);
        await Storage.WriteStateAsync(StateName, grainId, state);
        var stale = new GrainState<ProbeState>(new ProbeState(), state.ETag) { RecordExists = true };
        await Storage.WriteStateAsync(StateName, grainId, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grainId, stale));

        var read = await ReadAsync(grainId);
        Assert.True(read.RecordExists);
        Assert.Equal("v1", StateOf(read).Text);
    }

    [Fact]
    public async Task Write_AfterClear_SucceedsForTheClearerAndForAFreshReader()
    {
        var grainId = NewGrainId();
        var state = NewState("before", 1);
        await Storage.WriteStateAsync(StateName, grainId, state);
        await Storage.ClearStateAsync(StateName, grainId, state);

        state.State = new ProbeState { Text = "after clear" };
        await Storage.WriteStateAsync(StateName, grainId, state);
        var reader = await ReadAsync(grainId);
        StateOf(reader).Text = "fresh reader";
        await Storage.WriteStateAsync(StateName, grainId, reader);

        var read = await ReadAsync(grainId);
        Assert.True(read.RecordExists);
        Assert.Equal("fresh reader", StateOf(read).Text);
        Assert.Equal(reader.ETag, read.ETag);
    }

    [Fact]
    public async Task Clear_WithDeleteStateOnClear_RemovesTheRecordAndAllowsAFirstWrite()
    {
        var storage = fixture.DeletingStorage;
        var grainId = NewGrainId();
        var state = NewState("to delete", 1);
        await storage.WriteStateAsync(StateName, grainId, state);

        await storage.ClearStateAsync(StateName, grainId, state);
        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync(StateName, grainId, read);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        await storage.WriteStateAsync(StateName, grainId, NewState("after delete", 2));
        Assert.Equal("after delete", StateOf(await ReadAsync(grainId)).Text);
    }

    [Fact]
    public async Task States_AreIsolatedByStateName()
    {
        var grainId = NewGrainId();

        await Storage.WriteStateAsync("profile", grainId, NewState("profile", 1));
        await Storage.WriteStateAsync("settings", grainId, NewState("settings", 2));

        Assert.Equal("profile", StateOf(await ReadAsync(grainId, "profile")).Text);
        Assert.Equal("settings", StateOf(await ReadAsync(grainId, "settings")).Text);
        Assert.False((await ReadAsync(grainId, "other")).RecordExists);
    }

    [Fact]
    public async Task States_AreIsolatedByGrainType()
    {
        var key = $"shared-{Guid.NewGuid():N}";
        var order = GrainId.Create($"order-{Guid.NewGuid():N}", key);
        var invoice = GrainId.Create($"invoice-{Guid.NewGuid():N}", key);

        // Both are first writes: with one row per (state name, key) the second would conflict.
        await Storage.WriteStateAsync(StateName, order, NewState("order", 1));
        await Storage.WriteStateAsync(StateName, invoice, NewState("invoice", 2));

        Assert.Equal("order", StateOf(await ReadAsync(order)).Text);
        Assert.Equal("invoice", StateOf(await ReadAsync(invoice)).Text);
    }

    [Fact]
    public async Task States_AreIsolatedByKeyKind()
    {
        var type = GrainType.Create($"kinds-{Guid.NewGuid():N}");
        var guid = Guid.NewGuid();
        var grainIds = new[]
        {
            GrainId.Create(type, IdSpan.Create("zamówienie/ü-日本-ø")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(12345)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(-5)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid, "extension-ü")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(12345, "extension")),
        };

        await WriteEachAndReadBackAsync(grainIds);
    }

    [Fact]
    public async Task States_AreIsolatedForStringKeysThatParseAsNumbersOrGuids()
    {
        // Distinct grains that a hexadecimal or Guid reading of the key would merge.
        var type = GrainType.Create($"numeric-{Guid.NewGuid():N}");
        var keys = new[]
        {
            "020235", "20235", "abc", "ABC", "abc+def", "ABC+def",
            "0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF",
        };

        await WriteEachAndReadBackAsync([.. keys.Select(key => GrainId.Create(type, IdSpan.Create(key)))]);
    }

    [Fact]
    public async Task States_AreIsolatedForGrainTypesHoldingSeparators()
    {
        // "a/b" + "c" and "a" + "b/c" would both read "a/b/c" if type and key were simply joined.
        var prefix = $"sep-{Guid.NewGuid():N}";
        var grainIds = new[]
        {
            GrainId.Create(GrainType.Create($"{prefix}/x"), IdSpan.Create("k")),
            GrainId.Create(GrainType.Create(prefix), IdSpan.Create("x/k")),
            GrainId.Create(GrainType.Create($"!{prefix}"), IdSpan.Create("k")),
            GrainId.Create(GrainType.Create($"ab+{prefix}"), IdSpan.Create("1")),
        };

        await WriteEachAndReadBackAsync(grainIds);
    }

    [Fact]
    public async Task Write_OneMegabytePayload_RoundTrips()
    {
        var grainId = NewGrainId();
        var blob = new byte[1024 * 1024];
        new Random(20261206).NextBytes(blob);

        await Storage.WriteStateAsync(StateName, grainId, new GrainState<ProbeState>(new ProbeState { Text = "large", Blob = blob }));
        var read = await ReadAsync(grainId);

        Assert.Equal("large", StateOf(read).Text);
        Assert.Equal(blob, StateOf(read).Blob);
    }

    private async Task WriteEachAndReadBackAsync(IReadOnlyList<GrainId> grainIds)
    {
        for (var i = 0; i < grainIds.Count; i++)
        {
            await Storage.WriteStateAsync(StateName, grainIds[i], NewState(grainIds[i].ToString(), i));
        }

        for (var i = 0; i < grainIds.Count; i++)
        {
            var read = await ReadAsync(grainIds[i]);
            Assert.Equal(grainIds[i].ToString(), StateOf(read).Text);
            Assert.Equal(i, StateOf(read).Number);
        }
    }

    private async Task<GrainState<ProbeState>> ReadAsync(GrainId grainId, string stateName = StateName)
    {
        var state = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(stateName, grainId, state);
        return state;
    }

    private static ProbeState StateOf(GrainState<ProbeState> state)
    {
        Assert.NotNull(state.State);
        return state.State;
    }

    private static GrainState<ProbeState> NewState(string text, int number) =>
        new(new ProbeState { Text = text, Number = number });

    private static GrainId NewGrainId() => GrainId.Create("probe", Guid.NewGuid().ToString("N"));
}

/// <summary>The contract on Orleans's ADO.NET provider over Granary's PostgreSQL schema.</summary>
[Collection(PostgresStorageCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresStorageSiloFixture fixture) : GrainStorageContractTests(fixture);

/// <summary>The contract on Orleans's ADO.NET provider over Granary's SQLite schema.</summary>
[Collection(SqliteStorageCollection.Name)]
public sealed class SqliteGrainStorageTests(SqliteStorageSiloFixture fixture) : GrainStorageContractTests(fixture);
