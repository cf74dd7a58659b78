using Granary.Grains.Inventory;
using Granary.Grains.Orders;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Tests.Orders;
using Granary.Grains.Users;
using Granary.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.ReadModel;

/// <summary>
/// Grains keep their read-model rows: one write per state write with a rising revision, before they answer; a row
/// whose write failed fails the call and is written again by the next activation; a forgotten record's row goes.
/// </summary>
public sealed class ReadModelRowTests(ReadModelRowTests.Fixture fixture) : IClassFixture<ReadModelRowTests.Fixture>
{
    private readonly string _org = NewOrg();

    private IGrainFactory Grains => fixture.Grains;

    private RecordingReadModelWriter Rows => fixture.Rows;

    [Fact]
    public async Task Order_WritesItsRowAfterEveryTransition_WithARisingRevision()
    {
        await Grains.GetGrain<IInventoryGrain>(InventoryKey.For(_org, "A")).SetOnHand(5);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 2)));
        await order.Confirm();
        await order.Pack();

        var writes = Rows.Of("order", $"{_org}/o1");
        Assert.Equal(["Pending", "Confirmed", "Packed"], writes.Select(w => w.Value));
        Assert.Equal([1L, 2L, 3L], writes.Select(w => w.Revision));
    }

    [Fact]
    public async Task Order_WhoseRowWriteFailed_FailsTheCall_AndTheNextActivationWritesTheRow()
    {
        var order = Grains.OrderGrain(_org, "o1");
        Rows.FailNext(1);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => order.Create(Order(("A", 1))));
        Assert.Contains("could not be written", failure.Message, StringComparison.Ordinal);

        // The state was stored: the next call finds the order, and its fresh activation writes the row first.
        Assert.Equal(OrderStatus.Pending, (await order.Get())?.Status);
        var writes = Rows.Of("order", $"{_org}/o1");
        Assert.Equal([(1L, true), (1L, false)], writes.Select(w => (w.Revision, w.Failed)));
    }

    [Fact]
    public async Task Stock_WritesItsRowOnEveryChange_AndNotForAnIdempotentRepeat()
    {
        var stock = Grains.GetGrain<IInventoryGrain>(InventoryKey.For(_org, "A"));
        await stock.SetOnHand(5);
        await stock.Reserve("o1", 2);
        await stock.Reserve("o1", 2);

        Assert.Equal([("5/0", 1L), ("5/2", 2L)], fixture.Stock.Of($"{_org}/A").Select(w => (w.Value, w.Revision)));
    }

    [Fact]
    public async Task ForgottenRecords_DeleteTheirRows_AtTheRevisionTheyHad()
    {
        var familyId = $"family-{_org}";
        var family = Grains.GetGrain<IRefreshTokenFamilyGrain>(familyId);
        await family.Start("user-1", "token-hash", DateTimeOffset.UnixEpoch);
        await family.Forget(DateTimeOffset.UtcNow);

        Assert.Equal([("live", 1L), ("deleted", 1L)], Rows.Of("family", familyId).Select(w => (w.Value, w.Revision)));
    }

    /// <summary>Held outboxes and a read model that records (and can fail) every row write.</summary>
    public sealed class Fixture : ClusterFixture
    {
        public Fixture()
            : this(new RecordingReadModelWriter(), new MemoryStockRows())
        {
        }

        private Fixture(RecordingReadModelWriter rows, MemoryStockRows stock)
            : base(options =>
            {
                HoldOutboxes.Apply(options);
                options.AddServices(services => services.AddSingleton<IReadModelWriter>(rows).AddSingleton<IStockRows>(stock));
            }) => (Rows, Stock) = (rows, stock);

        internal RecordingReadModelWriter Rows { get; }

        internal MemoryStockRows Stock { get; }
    }
}
