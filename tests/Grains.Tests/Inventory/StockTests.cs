using Granary.Grains.Inventory;

namespace Granary.Grains.Tests.Inventory;

/// <summary>Stock arithmetic without a silo.</summary>
public sealed class StockTests
{
    [Fact]
    public void ReserveReleaseCommit_KeepTheArithmetic()
    {
        var stock = new Stock().SetOnHand(10);
        stock = stock.Reserve("o1", 4)!;
        stock = stock.Reserve("o2", 3)!;
        Assert.Equal((10, 7, 3), (stock.OnHand, stock.Reserved, stock.Available));

        stock = stock.Release("o1");
        Assert.Equal((10, 3, 7), (stock.OnHand, stock.Reserved, stock.Available));

        stock = stock.Commit("o2");
        Assert.Equal((7, 0, 7), (stock.OnHand, stock.Reserved, stock.Available));
    }

    [Fact]
    public void Reserve_MoreThanAvailable_ReturnsNullAndChangesNothing()
    {
        var stock = new Stock().SetOnHand(2);
        Assert.Null(stock.Reserve("o1", 3));
        Assert.Equal(0, stock.Reserved);
    }

    [Fact]
    public void Reserve_SameOrderTwice_ReservesOnce()
    {
        var stock = new Stock().SetOnHand(5).Reserve("o1", 2)!.Reserve("o1", 2)!;
        Assert.Equal(2, stock.Reserved);
    }

    [Fact]
    public void ReleaseAndCommit_OfUnknownOrder_ChangeNothing()
    {
        var stock = new Stock().SetOnHand(5);
        Assert.Same(stock, stock.Release("nope"));
        Assert.Same(stock, stock.Commit("nope"));
    }

    [Fact]
    public void SetOnHandAndAdjust_NeverGoBelowReserved()
    {
        var stock = new Stock().SetOnHand(5).Reserve("o1", 4)!;
        Assert.Throws<StockException>(() => stock.SetOnHand(3));
        Assert.Throws<StockException>(() => stock.SetOnHand(-1));
        Assert.Throws<StockException>(() => stock.Adjust(-2));
        Assert.Equal(4, stock.Adjust(-1).OnHand);
    }
}
