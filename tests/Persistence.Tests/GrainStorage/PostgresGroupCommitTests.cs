using Granary.Persistence.Storage;
using Granary.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace Granary.Persistence.Tests.GrainStorage;

/// <summary>
/// Grain state writes on PostgreSQL share batches and commits, and reads share batches (GroupCommitStateWrites): what
/// goes in a group is stored and read as Orleans's provider stores and reads it, and one statement can't take its
/// group down.
/// </summary>
[Collection(PostgresStorageCollection.Name)]
public sealed class PostgresGroupCommitTests(PostgresStorageSiloFixture fixture)
{
    private const string StateName = "grouped";

    private IGrainStorage Storage => fixture.Storage;

    private PostgresStateWriteGroups Groups =>
        fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<PostgresStateWriteGroups>(StorageSiloFixture.StorageName);

    private PostgresStateReadGroups ReadGroups =>
        fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<PostgresStateReadGroups>(StorageSiloFixture.StorageName);

    [Fact]
    public async Task WritesOfManyGrainsAtOnce_ShareGroups_AndTheProviderReadsEachBack()
    {
        const int Grains = 200;
        var grainIds = Enumerable.Range(0, Grains).Select(_ => NewGrainId()).ToArray();
        var states = grainIds.Select((_, i) => new GrainState<ProbeState>(new ProbeState { Text = $"grain-{i}", Number = i })).ToArray();
        var groupsBefore = Groups.GroupsWritten;

        await Task.WhenAll(grainIds.Select((grainId, i) => Task.Run(() => Storage.WriteStateAsync(StateName, grainId, states[i]))));

        Assert.InRange(Groups.GroupsWritten - groupsBefore, 1, Grains - 1);
        for (var i = 0; i < Grains; i++)
        {
            var read = await ReadAsync(grainIds[i]);
            Assert.True(read.RecordExists);
            Assert.Equal($"grain-{i}", TextOf(read));
            Assert.Equal(states[i].ETag, read.ETag);
        }
    }

    [Fact]
    public async Task AStaleWriteInAGroup_ConflictsAlone_AndItsNeighboursAreStored()
    {
        var contested = NewGrainId();
        var current = new GrainState<ProbeState>(new ProbeState { Text = "v1" });
        await Storage.WriteStateAsync(StateName, contested, current);
        var stale = new GrainState<ProbeState>(new ProbeState { Text = "stale" }, current.ETag);
        current.State = new ProbeState { Text = "v2" };
        await Storage.WriteStateAsync(StateName, contested, current);
        var neighbours = Enumerable.Range(0, 60).Select(_ => NewGrainId()).ToArray();

        var neighbourWrites = neighbours.Select(id => Task.Run(() => Storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Text = "neighbour" })))).ToList();
        var staleWrite = Task.Run(() => Storage.WriteStateAsync(StateName, contested, stale));

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await Task.WhenAll(neighbourWrites);
        Assert.Equal("v2", TextOf(await ReadAsync(contested)));
        foreach (var id in neighbours)
        {
            Assert.Equal("neighbour", TextOf(await ReadAsync(id)));
        }
    }

    [Fact]
    public async Task AWriteThatCantBeStored_FailsAlone_AndTheRestOfItsGroupIsStored()
    {
        // PostgreSQL text can't hold a NUL character: this key's write fails wherever it runs.
        var unstorable = GrainId.Create("probe", $"nul-\0-{Guid.NewGuid():N}");
        var others = Enumerable.Range(0, 80).Select(_ => NewGrainId()).ToArray();

        var writes = others.Take(40).Select(id => Task.Run(() => Storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Text = "stored" })))).ToList();
        var bad = Task.Run(() => Storage.WriteStateAsync(StateName, unstorable, new GrainState<ProbeState>(new ProbeState { Text = "never" })));
        writes.AddRange(others.Skip(40).Select(id => Task.Run(() => Storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Text = "stored" })))));

        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        await Task.WhenAll(writes);
        foreach (var id in others)
        {
            Assert.Equal("stored", TextOf(await ReadAsync(id)));
        }
    }

    [Fact]
    public async Task ReadsOfManyGrainsAtOnce_ShareGroups_AndEachGetsItsOwnState()
    {
        const int Grains = 200;
        var grainIds = Enumerable.Range(0, Grains).Select(_ => NewGrainId()).ToArray();
        var written = grainIds.Select((_, i) => new GrainState<ProbeState>(new ProbeState { Text = $"grain-{i}", Number = i })).ToArray();
        await Task.WhenAll(grainIds.Select((grainId, i) => Storage.WriteStateAsync(StateName, grainId, written[i])));
        var groupsBefore = ReadGroups.GroupsWritten;

        var read = await Task.WhenAll(grainIds.Select(grainId => Task.Run(() => ReadAsync(grainId))));

        Assert.InRange(ReadGroups.GroupsWritten - groupsBefore, 1, Grains - 1);
        for (var i = 0; i < Grains; i++)
        {
            Assert.True(read[i].RecordExists);
            Assert.Equal($"grain-{i}", TextOf(read[i]));
            Assert.Equal(i, read[i].State!.Number);
            Assert.Equal(written[i].ETag, read[i].ETag);
        }
    }

    [Fact]
    public async Task AGrainWithoutARow_ReadsAsNew_AndAClearedOneKeepsItsVersionAsTheETag()
    {
        var missing = await ReadAsync(NewGrainId());
        Assert.False(missing.RecordExists);
        Assert.Null(missing.ETag);
        Assert.NotNull(missing.State);
        Assert.Equal("", missing.State.Text);

        var cleared = NewGrainId();
        var state = new GrainState<ProbeState>(new ProbeState { Text = "gone soon" });
        await Storage.WriteStateAsync(StateName, cleared, state);
        await Storage.ClearStateAsync(StateName, cleared, state);

        var read = await ReadAsync(cleared);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.NotNull(read.State);
        Assert.Equal("", read.State.Text);
    }

    [Fact]
    public async Task AReadThatCantBeRun_FailsAlone_AndTheRestOfItsGroupIsRead()
    {
        var others = Enumerable.Range(0, 80).Select(_ => NewGrainId()).ToArray();
        await Task.WhenAll(others.Select(id => Storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Text = id.ToString() }))));
        // PostgreSQL text can't hold a NUL character: this key's read fails wherever it runs.
        var unreadable = GrainId.Create("probe", $"nul-\0-{Guid.NewGuid():N}");

        var reads = others.Select(id => Task.Run(() => ReadAsync(id))).ToList();
        var bad = Task.Run(() => ReadAsync(unreadable));

        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        var read = await Task.WhenAll(reads);
        for (var i = 0; i < others.Length; i++)
        {
            Assert.Equal(others[i].ToString(), TextOf(read[i]));
        }
    }

    private async Task<GrainState<ProbeState>> ReadAsync(GrainId grainId)
    {
        var state = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grainId, state);
        return state;
    }

    private static string TextOf(GrainState<ProbeState> state)
    {
        Assert.NotNull(state.State);
        return state.State.Text;
    }

    private static GrainId NewGrainId() => GrainId.Create("probe", Guid.NewGuid().ToString("N"));
}
