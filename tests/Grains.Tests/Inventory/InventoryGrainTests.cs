using Granary.Grains.Inventory;
using Granary.Grains.Tests.Infrastructure;

namespace Granary.Grains.Tests.Inventory;

public sealed class InventoryGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly string _org = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ReserveReleaseCommit_UpdateOnHandAndReserved()
    {
        var stock = fixture.Grains.GetGrain<IInventoryGrain>(InventoryKey.For(_org, "SKU-1"));
        Assert.Equal(new StockLevel("SKU-1", 10, 0, 10), await stock.SetOnHand(10));

        Assert.True(await stock.Reserve("o1", 4));
        Assert.True(await stock.Reserve("o1", 4));
        Assert.True(await stock.Reserve("o2", 6));
        Assert.False(await stock.Reserve("o3", 1));
        Assert.Equal(new StockLevel("SKU-1", 10, 10, 0), await stock.Get());

        await stock.Release("o1");
        await stock.Commit("o2");
        Assert.Equal(new StockLevel("SKU-1", 4, 0, 4), await stock.Get());

        Assert.Equal(new StockLevel("SKU-1", 7, 0, 7), await stock.Adjust(3, "restock"));
        await Assert.ThrowsAsync<StockException>(() => stock.Adjust(-8, "shrinkage"));
        Assert.Equal(new StockLevel("SKU-1", 7, 0, 7), await stock.Get());
    }

    [Fact]
    public async Task Reserve_200ConcurrentOrdersFor50Units_ReservesExactly50()
    {
        var stock = fixture.Grains.GetGrain<IInventoryGrain>(InventoryKey.For(_org, "RACE"));
        await stock.SetOnHand(50);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => stock.Reserve($"o{i}", 1)));

        Assert.Equal(50, results.Count(r => r));
        Assert.Equal(new StockLevel("RACE", 50, 50, 0), await stock.Get());
    }
}
