using Granary.Grains.Orders;
using Granary.Grains.Stats;
using Granary.Grains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Granary.Grains.Tests.Stats;

/// <summary>
/// The stats grain takes every transition of an organization, so its writes are coalesced: transitions arriving while
/// a write is in flight are stored together by the next one, and each Record completes only once stored. (A failed
/// write: <see cref="OrderStatsWriteFailureTests"/>, on Granary's storage.)
/// </summary>
public sealed class OrderStatsGrainTests(SlowStorageFixture fixture) : IClassFixture<SlowStorageFixture>
{
    private readonly string _org = "org-stats-" + Guid.NewGuid().ToString("N");

    private IOrderStatsGrain Stats => fixture.Grains.GetGrain<IOrderStatsGrain>(_org);

    [Fact]
    public async Task ConcurrentTransitions_ShareWrites_AndEachCompletesOnceStored()
    {
        var created = DateTimeOffset.UtcNow;
        var records = Enumerable.Range(0, 100).Select(i => Stats.Record(Transition($"e{i}", created))).ToArray();
        await Task.WhenAll(records);

        var stats = await Stats.Get();
        Assert.Equal(100, stats.ByStatus["pending"]);
        Assert.Equal(100, stats.TodayOrders);
        var grainId = Stats.GetGrainId();
        Assert.InRange(fixture.Storage.Writes(grainId), 1, 10);
        var stored = Assert.IsType<OrderStatsState>(fixture.Storage.Stored(grainId, "stats"));
        Assert.Equal(100, stored.ByStatus[OrderStatus.Pending]);

        // A repeated event (the last one recorded: the grain remembers the last 32) changes nothing and writes nothing more.
        var writes = fixture.Storage.Writes(grainId);
        Assert.Equal(32, stored.RecentEventIds.Count);
        await Stats.Record(Transition(stored.RecentEventIds[^1], created));
        Assert.Equal(100, (await Stats.Get()).ByStatus["pending"]);
        Assert.Equal(writes, fixture.Storage.Writes(grainId));
    }

    internal static OrderTransition Transition(string eventId, DateTimeOffset created) =>
        new(eventId, null, OrderStatus.Pending, 2.50m, "EUR", created, created, "UTC");
}
