using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Granary.Grains.Tests.Persistence;

/// <summary>
/// Granary's storages deactivate the activation whose state write failed (src/Persistence FailedWriteDeactivation):
/// a grain that catches the failure still starts its next call from what storage holds, not from the state it failed
/// to store. Orleans alone deactivates only when an InconsistentStateException escapes the grain call.
/// </summary>
[Collection(SqliteStorageCollection.Name)]
public sealed class FailedWriteDeactivationTests(SqliteStorageFixture fixture)
{
    [Fact]
    public async Task ConflictingWrite_CaughtByTheGrain_NextCallReadsWhatStorageHolds()
    {
        var grain = fixture.Grains.GetGrain<IStoredNoteGrain>(Guid.NewGuid().ToString("N"));
        Assert.Equal("saved", await grain.TrySave("first"));

        // Another writer (a duplicate activation during a membership change, an operator's fix) changes the row.
        var storage = fixture.Cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>("Default");
        var stored = new GrainState<StoredNote>();
        await storage.ReadStateAsync("note", grain.GetGrainId(), stored);
        var note = Assert.IsType<StoredNote>(stored.State);
        Assert.Equal("first", note.Text);
        note.Text = "written elsewhere";
        await storage.WriteStateAsync("note", grain.GetGrainId(), stored);

        var deactivated = fixture.Cluster.TestCluster.WaitForDeactivationAsync(grain);
        Assert.Equal(nameof(InconsistentStateException), await grain.TrySave("second"));

        // The activation holding "second" as if stored goes away (Orleans alone would keep it: the grain caught the
        // conflict), and the next call's activation reads the row.
        await deactivated.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("written elsewhere", await grain.Read());
    }
}
