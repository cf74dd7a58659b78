using Granary.Persistence.Storage;
using Granary.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace Granary.Persistence.Tests.GrainStorage;

/// <summary>
/// Grain state writes on PostgreSQL share batches and commits (GroupCommitStateWrites): what goes in a group is
/// stored as Orleans's provider stores it (the provider's own reads find it), and one write can't take its group down.
/// </summary>
[Collection(PostgresStorageCollection.Name)]
public sealed class PostgresGroupCommitTests(PostgresStorageSiloFixture fixture)
{
    private const string StateName = "grouped";

    private IGrainStorage Storage => fixture.Storage;

    private PostgresStateWriteGroups Groups =>
        fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<PostgresStateWriteGroups>(StorageSiloFixture.StorageName);

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
