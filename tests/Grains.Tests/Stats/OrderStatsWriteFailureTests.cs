using Granary.Grains.Stats;
using Granary.Grains.Tests.Persistence;
using static Granary.Grains.Tests.Stats.OrderStatsGrainTests;

namespace Granary.Grains.Tests.Stats;

/// <summary>
/// Failed writes of the stats grain, on Granary's SQLite storage (which deactivates an activation whose write
/// failed): every transition recorded while the storage fails is refused, and once it works again the next
/// activation starts from the stored figures.
/// </summary>
[Collection(SqliteStorageCollection.Name)]
public sealed class OrderStatsWriteFailureTests(SqliteStorageFixture fixture)
{
    [Fact]
    public async Task AFailedWrite_FailsEveryTransitionWaitingOnIt_AndTheStoredFiguresStayRight()
    {
        var stats = fixture.Grains.GetGrain<IOrderStatsGrain>("org-stats-" + Guid.NewGuid().ToString("N"));
        await stats.Record(Transition("first", DateTimeOffset.UtcNow));
        await fixture.ExecuteAsync("INSERT INTO granary_test_faults (state_name) VALUES ('stats');");

        var failed = Enumerable.Range(0, 5).Select(i => stats.Record(Transition($"lost{i}", DateTimeOffset.UtcNow))).ToArray();

        foreach (var record in failed)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => record);
            Assert.Contains("storage unavailable (test fault)", error.Message, StringComparison.Ordinal);
        }
        await fixture.ExecuteAsync("DELETE FROM granary_test_faults;");
        await fixture.WaitForNoActivationAsync(stats);
        // The activation went away with the unsaved transitions; the next one starts from what is stored.
        await stats.Record(Transition("after", DateTimeOffset.UtcNow));
        Assert.Equal(2, (await stats.Get()).ByStatus["pending"]);
    }
}
