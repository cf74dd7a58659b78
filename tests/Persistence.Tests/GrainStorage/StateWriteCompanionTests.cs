using Granary.Persistence.Storage;
using Granary.Persistence.Tests.Infrastructure;
using Orleans.Runtime;
using Orleans.Storage;

namespace Granary.Persistence.Tests.GrainStorage;

/// <summary>
/// A statement offered with a state write (StateWriteCompanion, a grain's read-model row) is committed in that
/// write's transaction on PostgreSQL: stored with it, never without it, and never when the write is refused.
/// </summary>
[Collection(PostgresStorageCollection.Name)]
public sealed class StateWriteCompanionTests(PostgresStorageSiloFixture fixture) : IAsyncLifetime
{
    private const string StateName = "companioned";

    // The note 'refused' breaks the CHECK: a companion that can't be written.
    private const string ProbeTable = """
        CREATE TABLE IF NOT EXISTS companion_probe (key text PRIMARY KEY, note text NOT NULL CHECK (note <> 'refused'))
        """;

    private const string ProbeInsert = $"""
        INSERT INTO companion_probe (key, note) SELECT @key, @note WHERE {StateWriteCompanion.WhenStored}
        ON CONFLICT (key) DO UPDATE SET note = excluded.note
        """;

    private IGrainStorage Storage => fixture.Storage;

    public async Task InitializeAsync() => await fixture.ExecuteSqlAsync(ProbeTable);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ACompanion_IsCommittedWithItsStateWrite_FirstWriteAndUpdate()
    {
        var grainId = NewGrainId();
        var state = new GrainState<ProbeState>(new ProbeState { Text = "v1" });

        Assert.True(await StateWriteCompanion.WriteWithAsync(Probe(grainId, "first"), () => Storage.WriteStateAsync(StateName, grainId, state)));
        Assert.Equal("first", await NoteOfAsync(grainId));

        state.State = new ProbeState { Text = "v2" };
        Assert.True(await StateWriteCompanion.WriteWithAsync(Probe(grainId, "second"), () => Storage.WriteStateAsync(StateName, grainId, state)));
        Assert.Equal("second", await NoteOfAsync(grainId));
        Assert.Equal("v2", (await ReadAsync(grainId)).State!.Text);
    }

    [Fact]
    public async Task AStaleWrite_StoresNeitherItsStateNorItsCompanion()
    {
        var grainId = NewGrainId();
        var current = new GrainState<ProbeState>(new ProbeState { Text = "v1" });
        await StateWriteCompanion.WriteWithAsync(Probe(grainId, "v1"), () => Storage.WriteStateAsync(StateName, grainId, current));
        var stale = new GrainState<ProbeState>(new ProbeState { Text = "stale" }, current.ETag);
        current.State = new ProbeState { Text = "v2" };
        await StateWriteCompanion.WriteWithAsync(Probe(grainId, "v2"), () => Storage.WriteStateAsync(StateName, grainId, current));

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            StateWriteCompanion.WriteWithAsync(Probe(grainId, "stale"), () => Storage.WriteStateAsync(StateName, grainId, stale)));

        Assert.Equal("v2", await NoteOfAsync(grainId));
        Assert.Equal("v2", (await ReadAsync(grainId)).State!.Text);
    }

    [Fact]
    public async Task ACompanionThatFails_FailsItsStateWrite_AndItsGroupNeighboursAreStoredWithTheirs()
    {
        var refused = NewGrainId();
        var neighbours = Enumerable.Range(0, 60).Select(_ => NewGrainId()).ToArray();

        var writes = neighbours.Select(id => Task.Run(() => StateWriteCompanion.WriteWithAsync(Probe(id, "kept"),
            () => Storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Text = "kept" }))))).ToList();
        var bad = Task.Run(() => StateWriteCompanion.WriteWithAsync(Probe(refused, "refused"),
            () => Storage.WriteStateAsync(StateName, refused, new GrainState<ProbeState>(new ProbeState { Text = "never" }))));

        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        Assert.All(await Task.WhenAll(writes), Assert.True);
        Assert.False((await ReadAsync(refused)).RecordExists);
        Assert.Null(await NoteOfAsync(refused));
        foreach (var id in neighbours)
        {
            Assert.Equal("kept", (await ReadAsync(id)).State!.Text);
            Assert.Equal("kept", await NoteOfAsync(id));
        }
    }

    [Fact]
    public async Task AWriteWithoutAnOffer_TakesNoCompanion_AndAnOfferIsTakenOnce()
    {
        var grainId = NewGrainId();
        var probe = Probe(grainId, "once");
        var state = new GrainState<ProbeState>(new ProbeState { Text = "v1" });

        await Storage.WriteStateAsync(StateName, grainId, state);
        Assert.Null(await NoteOfAsync(grainId));

        Assert.True(await StateWriteCompanion.WriteWithAsync(probe, async () =>
        {
            await Storage.WriteStateAsync(StateName, grainId, state);
            await fixture.ExecuteSqlAsync("UPDATE companion_probe SET note = 'changed' WHERE key = @key", ("key", grainId.ToString()));
            // A second write in the same offer does not carry the companion again.
            await Storage.WriteStateAsync(StateName, grainId, state);
        }));
        Assert.Equal("changed", await NoteOfAsync(grainId));
    }

    private static StateWriteCompanion Probe(GrainId grainId, string note) =>
        new(ProbeInsert, command =>
        {
            Add(command, "@key", grainId.ToString());
            Add(command, "@note", note);
        });

    private static void Add(System.Data.Common.DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = System.Data.DbType.String;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The probe row's note; null when there is no row.</summary>
    private async Task<string?> NoteOfAsync(GrainId grainId) =>
        (string?)await fixture.ScalarAsync("SELECT note FROM companion_probe WHERE key = @key", ("key", grainId.ToString()));

    private async Task<GrainState<ProbeState>> ReadAsync(GrainId grainId)
    {
        var state = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grainId, state);
        return state;
    }

    private static GrainId NewGrainId() => GrainId.Create("probe", Guid.NewGuid().ToString("N"));
}
