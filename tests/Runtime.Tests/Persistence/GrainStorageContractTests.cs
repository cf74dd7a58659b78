using System.Text.Json.Nodes;
using Granary.Runtime.Persistence;

namespace Granary.Runtime.Tests.Persistence;

/// <summary>
/// The behaviour every <see cref="IGrainStorage"/> must show. One subclass per provider runs it against a real
/// store; each test uses a grain type of its own, so tests sharing a database never see each other's rows.
/// </summary>
public abstract class GrainStorageContractTests : IAsyncLifetime
{
    private const string StateName = "state";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly List<IGrainStorage> _created = [];

    /// <summary>The provider under test, initialized.</summary>
    protected IGrainStorage Storage { get; private set; } = null!;

    /// <summary>The kind the provider reports.</summary>
    protected abstract string ExpectedKind { get; }

    /// <summary>Creates an uninitialized provider over the store that <see cref="Storage"/> uses.</summary>
    protected abstract Task<IGrainStorage> CreateStorageAsync();

    /// <summary>Creates <paramref name="count"/> uninitialized providers over one store that has never been initialized.</summary>
    protected abstract Task<IReadOnlyList<IGrainStorage>> CreateFreshStoragesAsync(int count);

    public async Task InitializeAsync()
    {
        Storage = await CreateStorageAsync();
        await Storage.InitializeAsync(None);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var storage in _created)
        {
            switch (storage)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>Registers a provider for disposal at the end of the test.</summary>
    protected T Track<T>(T storage) where T : IGrainStorage
    {
        _created.Add(storage);
        return storage;
    }

    /// <summary>A grain whose type no other test uses.</summary>
    protected static GrainId NewGrainId() => new("t" + Guid.NewGuid().ToString("N"), "k");

    [Fact]
    public async Task Read_OfMissingState_ReturnsNull()
    {
        Assert.Null(await Storage.ReadAsync(NewGrainId(), StateName, None));
    }

    [Fact]
    public async Task Write_WithNullEtag_CreatesStateThatReadsBackWithSameJsonAndEtag()
    {
        var grain = NewGrainId();
        const string json = """{"Count":3,"Name":"wheat","Tags":["a","b"],"Nested":{"Price":1.5}}""";

        var etag = await Storage.WriteAsync(grain, StateName, json, null, None);

        var stored = await Storage.ReadAsync(grain, StateName, None);
        Assert.NotNull(stored);
        Assert.Equal(etag, stored.Etag);
        AssertSameJson(json, stored.Json);
    }

    [Fact]
    public async Task Write_WithCurrentEtag_ReplacesStateAndChangesEtag()
    {
        var grain = NewGrainId();
        var first = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);

        var second = await Storage.WriteAsync(grain, StateName, """{"Count":2}""", first, None);

        Assert.NotEqual(first, second);
        var stored = await Storage.ReadAsync(grain, StateName, None);
        Assert.Equal(second, stored?.Etag);
        AssertSameJson("""{"Count":2}""", stored!.Json);
    }

    [Fact]
    public async Task Write_WithStaleEtag_ThrowsInconsistentStateAndKeepsStoredState()
    {
        var grain = NewGrainId();
        var first = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);
        var second = await Storage.WriteAsync(grain, StateName, """{"Count":2}""", first, None);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(grain, StateName, """{"Count":99}""", first, None));

        Assert.Equal(second, ex.StoredEtag);
        Assert.Equal(first, ex.CurrentEtag);
        var stored = await Storage.ReadAsync(grain, StateName, None);
        Assert.Equal(second, stored?.Etag);
        AssertSameJson("""{"Count":2}""", stored!.Json);
    }

    [Fact]
    public async Task Write_WithNullEtag_WhenStateExists_ThrowsInconsistentState()
    {
        var grain = NewGrainId();
        var etag = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(grain, StateName, """{"Count":2}""", null, None));

        Assert.Equal(etag, ex.StoredEtag);
        Assert.Null(ex.CurrentEtag);
    }

    [Fact]
    public async Task Write_WithEtag_WhenStateMissing_ThrowsInconsistentState()
    {
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(NewGrainId(), StateName, """{"Count":1}""", "1", None));

        Assert.Null(ex.StoredEtag);
        Assert.Equal("1", ex.CurrentEtag);
    }

    [Fact]
    public async Task Write_WithEtagNotIssuedByTheStore_ThrowsInconsistentState()
    {
        var grain = NewGrainId();
        var etag = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteAsync(grain, StateName, """{"Count":2}""", "not-an-etag", None));

        Assert.Equal(etag, ex.StoredEtag);
        Assert.Equal("not-an-etag", ex.CurrentEtag);
    }

    [Fact]
    public async Task Write_LargeUnicodePayload_ReadsBackEqual()
    {
        var grain = NewGrainId();
        var json = new JsonObject
        {
            ["Text"] = "Grüße, 麦子, 🌾 \"quoted\" \\ back",
            ["Blob"] = new string('x', 200_000),
        }.ToJsonString();

        var etag = await Storage.WriteAsync(grain, StateName, json, null, None);

        var stored = await Storage.ReadAsync(grain, StateName, None);
        Assert.Equal(etag, stored?.Etag);
        AssertSameJson(json, stored!.Json);
    }

    [Fact]
    public async Task Clear_WithCurrentEtag_RemovesState()
    {
        var grain = NewGrainId();
        var etag = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);

        await Storage.ClearAsync(grain, StateName, etag, None);

        Assert.Null(await Storage.ReadAsync(grain, StateName, None));
    }

    [Fact]
    public async Task Clear_WithStaleEtag_ThrowsInconsistentStateAndKeepsState()
    {
        var grain = NewGrainId();
        var first = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);
        var second = await Storage.WriteAsync(grain, StateName, """{"Count":2}""", first, None);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(grain, StateName, first, None));

        Assert.Equal(second, ex.StoredEtag);
        Assert.Equal(first, ex.CurrentEtag);
        Assert.Equal(second, (await Storage.ReadAsync(grain, StateName, None))?.Etag);
    }

    [Fact]
    public async Task Clear_WithEtag_WhenStateMissing_ThrowsInconsistentState()
    {
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(NewGrainId(), StateName, "1", None));

        Assert.Null(ex.StoredEtag);
        Assert.Equal("1", ex.CurrentEtag);
    }

    [Fact]
    public async Task Clear_WithNullEtag_WhenStateMissing_IsNoOp()
    {
        var grain = NewGrainId();

        await Storage.ClearAsync(grain, StateName, null, None);

        Assert.Null(await Storage.ReadAsync(grain, StateName, None));
    }

    [Fact]
    public async Task Clear_WithNullEtag_WhenStateExists_ThrowsInconsistentState()
    {
        var grain = NewGrainId();
        var etag = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(grain, StateName, null, None));

        Assert.Equal(etag, ex.StoredEtag);
        Assert.Null(ex.CurrentEtag);
        Assert.NotNull(await Storage.ReadAsync(grain, StateName, None));
    }

    [Fact]
    public async Task Write_WithNullEtag_AfterClear_CreatesStateAgain()
    {
        var grain = NewGrainId();
        var etag = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);
        await Storage.ClearAsync(grain, StateName, etag, None);

        var recreated = await Storage.WriteAsync(grain, StateName, """{"Count":7}""", null, None);

        var stored = await Storage.ReadAsync(grain, StateName, None);
        Assert.Equal(recreated, stored?.Etag);
        AssertSameJson("""{"Count":7}""", stored!.Json);
    }

    [Fact]
    public async Task StateNames_OnOneGrain_AreIndependent()
    {
        var grain = NewGrainId();
        var cartEtag = await Storage.WriteAsync(grain, "cart", """{"Lines":1}""", null, None);
        var profileEtag = await Storage.WriteAsync(grain, "profile", """{"Name":"a"}""", null, None);

        var newCartEtag = await Storage.WriteAsync(grain, "cart", """{"Lines":2}""", cartEtag, None);
        await Storage.ClearAsync(grain, "cart", newCartEtag, None);

        Assert.Null(await Storage.ReadAsync(grain, "cart", None));
        var profile = await Storage.ReadAsync(grain, "profile", None);
        Assert.Equal(profileEtag, profile?.Etag);
        AssertSameJson("""{"Name":"a"}""", profile!.Json);
    }

    [Fact]
    public async Task Write_FiftyConcurrentWritersWithSameEtag_ExactlyOneWins()
    {
        var grain = NewGrainId();
        var etag = await Storage.WriteAsync(grain, StateName, """{"Count":0}""", null, None);

        var outcomes = await RaceAsync(50, i => Storage.WriteAsync(grain, StateName, $$"""{"Count":{{i + 1}}}""", etag, None));

        var winner = Assert.Single(outcomes, o => o.Etag is not null);
        Assert.All(outcomes.Where(o => o.Etag is null), o => Assert.IsType<InconsistentStateException>(o.Error));
        var stored = await Storage.ReadAsync(grain, StateName, None);
        Assert.Equal(winner.Etag, stored?.Etag);
        AssertSameJson($$"""{"Count":{{winner.Index + 1}}}""", stored!.Json);
    }

    [Fact]
    public async Task Write_FiftyConcurrentCreatorsWithNullEtag_ExactlyOneWins()
    {
        var grain = NewGrainId();

        var outcomes = await RaceAsync(50, i => Storage.WriteAsync(grain, StateName, $$"""{"Count":{{i + 1}}}""", null, None));

        var winner = Assert.Single(outcomes, o => o.Etag is not null);
        Assert.All(outcomes.Where(o => o.Etag is null), o => Assert.IsType<InconsistentStateException>(o.Error));
        var stored = await Storage.ReadAsync(grain, StateName, None);
        Assert.Equal(winner.Etag, stored?.Etag);
        AssertSameJson($$"""{"Count":{{winner.Index + 1}}}""", stored!.Json);
    }

    [Fact]
    public async Task Initialize_Twice_KeepsStoredState()
    {
        var grain = NewGrainId();
        var etag = await Storage.WriteAsync(grain, StateName, """{"Count":1}""", null, None);

        await Storage.InitializeAsync(None);
        var second = await CreateStorageAsync();
        await second.InitializeAsync(None);

        Assert.Equal(etag, (await second.ReadAsync(grain, StateName, None))?.Etag);
    }

    [Fact]
    public async Task Initialize_FourConcurrentlyOnFreshStore_AllSucceedAndShareOneStore()
    {
        var storages = await CreateFreshStoragesAsync(4);

        await Task.WhenAll(storages.Select(s => Task.Run(() => s.InitializeAsync(None))));

        var grain = NewGrainId();
        var etag = await storages[0].WriteAsync(grain, StateName, """{"Count":1}""", null, None);
        var reads = await Task.WhenAll(storages.Select(s => s.ReadAsync(grain, StateName, None)));
        Assert.All(reads, read => Assert.Equal(etag, read?.Etag));
    }

    [Fact]
    public async Task CheckHealth_WhenStoreAnswers_ReportsHealthy()
    {
        var health = await Storage.CheckHealthAsync(None);

        Assert.Equal(new ProviderHealth("storage", ExpectedKind, true, health.Detail), health);
        Assert.Equal(ExpectedKind, Storage.Kind);
    }

    private static void AssertSameJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected JSON {expected} but the store returned {actual}.");

    /// <summary>Starts every call on the thread pool behind one gate, so they reach the store together.</summary>
    private static async Task<IReadOnlyList<RaceOutcome>> RaceAsync(int count, Func<int, Task<string>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                return new RaceOutcome(i, await call(i), null);
            }
            catch (Exception ex)
            {
                return new RaceOutcome(i, null, ex);
            }
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(racers);
    }

    private sealed record RaceOutcome(int Index, string? Etag, Exception? Error);
}
