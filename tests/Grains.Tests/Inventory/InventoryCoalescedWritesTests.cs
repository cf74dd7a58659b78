using Granary.Grains.Inventory;
using Granary.Grains.Tests.Infrastructure;

namespace Granary.Grains.Tests.Inventory;

/// <summary>
/// Every confirm, ship and cancel of an order holding a SKU reaches its inventory grain, so the grain's writes are
/// coalesced: reservations arriving while a write is in flight are stored together by the next one, each answered
/// only once stored, and however many race for the last units only the units on hand are reserved.
/// </summary>
public sealed class InventoryCoalescedWritesTests(SlowStorageFixture fixture) : IClassFixture<SlowStorageFixture>
{
    [Fact]
    public async Task ConcurrentReservations_ShareWrites_ReserveExactlyWhatIsOnHand_AndAreStoredWhenAnswered()
    {
        var stock = fixture.Grains.GetGrain<IInventoryGrain>(InventoryKey.For(Guid.NewGuid().ToString("N"), "HOT"));
        await stock.SetOnHand(50);
        var writesBefore = fixture.Storage.Writes(stock.GetGrainId());

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => stock.Reserve($"o{i}", 1)));

        Assert.Equal(50, results.Count(reserved => reserved));
        Assert.Equal(new StockLevel("HOT", 50, 50, 0), await stock.Get());
        // Each write takes 50 ms: one write per reservation would be 50 writes; they share a few.
        Assert.InRange(fixture.Storage.Writes(stock.GetGrainId()) - writesBefore, 1, 10);
        var stored = Assert.IsType<InventoryState>(fixture.Storage.Stored(stock.GetGrainId(), "inventory"));
        Assert.Equal(50, stored.Reservations.Count);
        Assert.Equal(Enumerable.Range(0, 200).Where(i => results[i]).Select(i => $"o{i}").Order(), stored.Reservations.Keys.Order());

        // A repeated reservation, a release and a commit each answer once stored.
        var reservedOrder = stored.Reservations.Keys.First();
        Assert.True(await stock.Reserve(reservedOrder, 1));
        await Task.WhenAll(stock.Release(reservedOrder), stock.Commit(stored.Reservations.Keys.Last()));
        var after = Assert.IsType<InventoryState>(fixture.Storage.Stored(stock.GetGrainId(), "inventory"));
        Assert.Equal((49, 48), (after.OnHand, after.Reservations.Count));
        Assert.Equal(new StockLevel("HOT", 49, 48, 1), await stock.Get());
    }
}
