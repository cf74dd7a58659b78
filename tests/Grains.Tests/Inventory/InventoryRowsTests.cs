using Granary.Grains.Inventory;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Tests.ReadModel;
using Granary.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Granary.Grains.Tests.Inventory;

/// <summary>
/// Where a SKU's rows are kept, its reservations live in them: the grain's state holds its counts and only the
/// reservations its last write changed, a new activation rebuilds the stock from both, a rows write that was lost is
/// made again from the state, and a state stored before rows were kept moves its reservations to them.
/// </summary>
public sealed class InventoryRowsTests(InventoryRowsTests.Fixture fixture) : IClassFixture<InventoryRowsTests.Fixture>
{
    private readonly string _org = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TheStateHoldsOnlyTheLastWritesChanges_AndANewActivationRebuildsTheStockFromTheRows()
    {
        var stock = Stock("SKU-1");
        await stock.SetOnHand(10);
        Assert.True(await stock.Reserve("o1", 2));
        Assert.True(await stock.Reserve("o2", 3));
        await stock.Release("o1");

        var state = await StoredState(stock);
        Assert.Equal((4L, 10, 3), (state.Revision, state.OnHand, state.Reserved));
        Assert.Empty(state.Reservations);
        Assert.Equal(new Dictionary<string, int> { ["o1"] = 0 }, state.Changes);
        var rows = await fixture.Rows.ReadAsync(_org, "SKU-1");
        Assert.Equal((4L, 3), (rows.Revision, rows.Reservations["o2"]));
        Assert.Single(rows.Reservations);

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(new StockLevel("SKU-1", 10, 3, 7), await stock.Get());
        Assert.True(await stock.Reserve("o2", 3)); // a repeat: o2's reservation came back from its row
        Assert.False(await stock.Reserve("o3", 8));
        Assert.True(await stock.Reserve("o3", 7));
        Assert.Equal(new StockLevel("SKU-1", 10, 10, 0), await stock.Get());
    }

    [Fact]
    public async Task ARowsWriteThatFailed_FailsTheCall_AndTheNextActivationMakesItFromTheStoredChanges()
    {
        var stock = Stock("SKU-2");
        await stock.SetOnHand(5);
        var deactivated = fixture.Cluster.TestCluster.WaitForDeactivationAsync(stock);
        fixture.Rows.FailNext(1);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => stock.Reserve("o1", 2));
        Assert.Contains("could not be written", failure.Message, StringComparison.Ordinal);
        await deactivated.WaitAsync(TimeSpan.FromSeconds(10));

        // The state (revision 2, holding o1) was stored; the fresh activation writes revision 2's rows first.
        Assert.Equal(new StockLevel("SKU-2", 5, 2, 3), await stock.Get());
        Assert.Equal([(1L, false), (2L, true), (2L, false)], fixture.Rows.Of($"{_org}/SKU-2").Select(w => (w.Revision, w.Failed)));
        var rows = await fixture.Rows.ReadAsync(_org, "SKU-2");
        Assert.Equal((2L, 2), (rows.Revision, rows.Reservations["o1"]));
        Assert.False(await stock.Reserve("o2", 4));
    }

    [Fact]
    public async Task AStateHoldingEveryReservation_MovesThemToRowsWhenItActivates()
    {
        var stock = Stock("SKU-3");
        // As stored before the rows held reservations: every one in the state.
        var storage = fixture.Cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>("Default");
        await storage.WriteStateAsync("inventory", stock.GetGrainId(), new GrainState<InventoryState>(new InventoryState
        {
            Revision = 3,
            OrganizationId = _org,
            Sku = "SKU-3",
            OnHand = 10,
            Reservations = new() { ["a"] = 2, ["b"] = 3 },
        }));

        Assert.Equal(new StockLevel("SKU-3", 10, 5, 5), await stock.Get());

        var state = await StoredState(stock);
        Assert.Equal((4L, 5), (state.Revision, state.Reserved));
        Assert.Empty(state.Reservations);
        var rows = await fixture.Rows.ReadAsync(_org, "SKU-3");
        Assert.Equal(4L, rows.Revision);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 2, ["b"] = 3 }, rows.Reservations);
        await stock.Commit("a");
        Assert.Equal(new StockLevel("SKU-3", 8, 3, 5), await stock.Get());
    }

    private IInventoryGrain Stock(string sku) => fixture.Grains.GetGrain<IInventoryGrain>(InventoryKey.For(_org, sku));

    private async Task<InventoryState> StoredState(IInventoryGrain stock)
    {
        var storage = fixture.Cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>("Default");
        var stored = new GrainState<InventoryState>();
        await storage.ReadStateAsync("inventory", stock.GetGrainId(), stored);
        return Assert.IsType<InventoryState>(stored.State);
    }

    /// <summary>A memory cluster whose SKU rows are kept (in memory, with the SQL rows' contract).</summary>
    public sealed class Fixture : ClusterFixture
    {
        public Fixture()
            : this(new MemoryStockRows())
        {
        }

        private Fixture(MemoryStockRows rows)
            : base(options => options.AddServices(services => services.AddSingleton<IStockRows>(rows))) => Rows = rows;

        internal MemoryStockRows Rows { get; }
    }
}
