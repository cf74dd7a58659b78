using Granary.Grains.Inventory;
using Granary.Grains.Orders;
using Granary.Grains.Stats;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Webhooks;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Orders;

/// <summary>Order transitions, stock, the outbox and stats; each test works in an organization of its own.</summary>
public sealed class OrderGrainTests(HeldOutboxesFixture fixture) : IClassFixture<HeldOutboxesFixture>
{
    private readonly string _org = NewOrg();

    private IGrainFactory Grains => fixture.Grains;

    private IInventoryGrain Stock(string sku) => Grains.GetGrain<IInventoryGrain>(InventoryKey.For(_org, sku));

    [Fact]
    public async Task Create_StoresPendingOrderWithTotalAndCreatedEvent()
    {
        await Grains.SubscribeToEveryEvent(_org);
        var order = await Grains.OrderGrain(_org, "o1").Create(Order(("A", 2), ("B", 1)));

        Assert.Equal(("o1", _org, OrderStatus.Pending, 7.50m, "EUR"), (order.Id, order.OrganizationId, order.Status, order.Total, order.Currency));
        var events = await Grains.OrderGrain(_org, "o1").GetPendingEvents();
        Assert.Equal(["order.created"], events.Select(e => e.Type));
        Assert.Equal(OrderStatus.Pending, events[0].Order.Status);
    }

    [Fact]
    public async Task Create_Twice_ReturnsTheFirstOrder()
    {
        await Grains.SubscribeToEveryEvent(_org);
        var first = await Grains.OrderGrain(_org, "o1").Create(Order(("A", 2)));
        var second = await Grains.OrderGrain(_org, "o1").Create(Order(("B", 9)));

        Assert.Equal(first.Lines, second.Lines);
        Assert.Single(await Grains.OrderGrain(_org, "o1").GetPendingEvents());
    }

    [Fact]
    public async Task Transitions_AllowedMovesWork_EveryOtherThrowsAndChangesNothing()
    {
        await Stock("A").SetOnHand(10);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 1)));
        var path = new (OrderAction Action, Func<Task<OrderSnapshot>> Call, OrderStatus To)[]
        {
            (OrderAction.Confirm, order.Confirm, OrderStatus.Confirmed),
            (OrderAction.Pack, order.Pack, OrderStatus.Packed),
            (OrderAction.Ship, () => order.Ship("TRACK-1"), OrderStatus.Shipped),
            (OrderAction.Deliver, order.Deliver, OrderStatus.Delivered),
        };
        foreach (var (action, call, to) in path)
        {
            await AssertRefusesAllBut(order, action);
            Assert.Equal(to, (await call()).Status);
        }
        await AssertRefusesAllBut(order, allowed: null);
        Assert.Equal("TRACK-1", (await order.Get())!.TrackingNumber);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancel_FromPendingOrConfirmed_ReleasesReservations(bool confirmFirst)
    {
        await Stock("A").SetOnHand(5);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 3)));
        if (confirmFirst)
        {
            await order.Confirm();
            Assert.Equal(3, (await Stock("A").Get()).Reserved);
        }

        var cancelled = await order.Cancel("customer asked");

        Assert.Equal((OrderStatus.Cancelled, "customer asked"), (cancelled.Status, cancelled.CancelReason));
        Assert.Equal(new StockLevel("A", 5, 0, 5), await Stock("A").Get());
        await AssertRefusesAllBut(order, allowed: null);
    }

    [Fact]
    public async Task Confirm_ReservesEveryLineOrNone()
    {
        await Stock("A").SetOnHand(5);
        await Stock("B").SetOnHand(1);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 2), ("B", 2)));

        var error = await Assert.ThrowsAsync<InsufficientStockException>(order.Confirm);

        Assert.Equal("B", error.Sku);
        Assert.Equal(new StockLevel("A", 5, 0, 5), await Stock("A").Get());
        Assert.Equal(new StockLevel("B", 1, 0, 1), await Stock("B").Get());
        Assert.Equal(OrderStatus.Pending, (await order.Get())!.Status);

        await Stock("B").Adjust(1, "restock");
        Assert.Equal(OrderStatus.Confirmed, (await order.Confirm()).Status);
        Assert.Equal(new StockLevel("A", 5, 2, 3), await Stock("A").Get());
        Assert.Equal(new StockLevel("B", 2, 2, 0), await Stock("B").Get());
    }

    [Fact]
    public async Task Confirm_LinesOfTheSameSkuReserveTheirSum()
    {
        await Stock("A").SetOnHand(5);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 2), ("A", 3)));

        await order.Confirm();

        Assert.Equal(new StockLevel("A", 5, 5, 0), await Stock("A").Get());
    }

    [Fact]
    public async Task Confirm_200OrdersRaceFor50Units_Exactly50Confirmed()
    {
        await Stock("LAST").SetOnHand(50);
        var orders = Enumerable.Range(0, 200).Select(i => Grains.OrderGrain(_org, $"race{i}")).ToList();
        await Task.WhenAll(orders.Select(o => o.Create(Order(("LAST", 1)))));

        var outcomes = await Task.WhenAll(orders.Select(async o =>
        {
            try
            {
                await o.Confirm();
                return true;
            }
            catch (InsufficientStockException)
            {
                return false;
            }
        }));

        Assert.Equal(50, outcomes.Count(confirmed => confirmed));
        Assert.Equal(new StockLevel("LAST", 50, 50, 0), await Stock("LAST").Get());
        var statuses = await Task.WhenAll(orders.Select(async o => (await o.Get())!.Status));
        Assert.Equal(50, statuses.Count(s => s == OrderStatus.Confirmed));
        Assert.Equal(150, statuses.Count(s => s == OrderStatus.Pending));
    }

    [Fact]
    public async Task Ship_CommitsTheReservedStock()
    {
        await Stock("A").SetOnHand(5);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 2)));
        await order.Confirm();
        await order.Pack();

        await order.Ship("T-9");

        Assert.Equal(new StockLevel("A", 3, 0, 3), await Stock("A").Get());
    }

    [Fact]
    public async Task Outbox_RecordsAnEventPerTransition_AndAckRemovesThem()
    {
        await Grains.SubscribeToEveryEvent(_org);
        await Stock("A").SetOnHand(5);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 1)));
        await order.Confirm();
        await order.Pack();

        var events = await order.GetPendingEvents();
        Assert.Equal(["order.created", "order.confirmed", "order.packed"], events.Select(e => e.Type));
        Assert.Equal([OrderStatus.Pending, OrderStatus.Confirmed, OrderStatus.Packed], events.Select(e => e.Order.Status));
        Assert.Equal(3, events.Select(e => e.Id).Distinct().Count());

        await order.AckEvents([events[0].Id, events[1].Id, "unknown"]);

        Assert.Equal([events[2].Id], (await order.GetPendingEvents()).Select(e => e.Id));
    }

    [Fact]
    public async Task Transition_OnMissingOrder_ThrowsNotFound()
    {
        Assert.Null(await Grains.OrderGrain(_org, "nope").Get());
        await Assert.ThrowsAsync<OrderNotFoundException>(Grains.OrderGrain(_org, "nope").Confirm);
    }

    [Fact]
    public async Task Outbox_WithNobodySubscribed_RecordsOnlyTheEventsThatEmailTheCustomer()
    {
        await Stock("A").SetOnHand(5);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 1)));
        await order.Confirm();
        await order.Pack();
        await order.Ship("T-1");
        await order.Deliver();

        Assert.Equal(["order.confirmed", "order.shipped"], (await order.GetPendingEvents()).Select(e => e.Type));
    }

    [Fact]
    public async Task Outbox_RecordsTheEventsOfTheTypesAnEndpointSubscribedTo_FromTheNextTransitionOn()
    {
        await Stock("A").SetOnHand(5);
        var order = Grains.OrderGrain(_org, "o1");
        await order.Create(Order(("A", 1)));
        await Grains.GetGrain<IWebhookEndpointsGrain>(_org).Create(
            new NewWebhookEndpoint("ep-1", "https://hooks.example.com/1", ["order.packed"], null, Enabled: true, "whsec_test"));
        await Grains.GetGrain<IWebhookEndpointsGrain>(_org).Create(
            new NewWebhookEndpoint("ep-2", "https://hooks.example.com/2", ["order.delivered"], null, Enabled: false, "whsec_test"));
        await order.Confirm();
        await order.Pack();
        await order.Ship("T-1");
        await order.Deliver();

        Assert.Equal(["order.confirmed", "order.packed", "order.shipped"], (await order.GetPendingEvents()).Select(e => e.Type));
    }

    [Fact]
    public async Task Idempotency_SameHash_ReplaysTheFirstAnswer_OtherHash_IsRefused_AndNothingIsRecordedTwice()
    {
        await Grains.SubscribeToEveryEvent(_org);
        await Stock("A").SetOnHand(5);
        var order = Grains.OrderGrain(_org, OrderKey.IdFor(_org, "key-1"));

        var first = await order.Create("hash-1", Order(("A", 1)));
        await order.Confirm();
        var retry = await order.Create("hash-1", Order(("A", 1)));
        var other = await order.Create("hash-2", Order(("A", 7)));

        Assert.Equal((IdempotentOutcome.Created, IdempotentOutcome.Replayed), (first.Outcome, retry.Outcome));
        Assert.NotNull(first.Order);
        Assert.NotNull(retry.Order);
        // The replay is the first answer (pending, as created), not the order as it is now.
        Assert.Equal(first.Order, retry.Order with { Lines = first.Order.Lines });
        Assert.Equal(first.Order.Lines, retry.Order.Lines);
        Assert.Equal(OrderStatus.Confirmed, (await order.Get())!.Status);
        Assert.Equal((IdempotentOutcome.BodyMismatch, (OrderSnapshot?)null), (other.Outcome, other.Order));
        Assert.Equal(["order.created", "order.confirmed"], (await order.GetPendingEvents()).Select(e => e.Type));
    }

    [Fact]
    public void OrderIds_FromKeys_AreStablePerOrganizationAndKey_AndChannelsHaveTheirOwn()
    {
        var id = OrderKey.IdFor("org-a", "key-1");

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, OrderKey.IdFor("org-a", "key-1"));
        Assert.NotEqual(id, OrderKey.IdFor("org-b", "key-1"));
        Assert.NotEqual(id, OrderKey.IdFor("org-a", "key-2"));
        Assert.NotEqual(OrderKey.IdForChannelOrder("org-a", "ch-1", "1001"), OrderKey.IdForChannelOrder("org-a", "ch-2", "1001"));
        Assert.NotEqual(OrderKey.IdForChannelOrder("org-a", "ch-1", "1001"), OrderKey.IdFor("org-a", "ch-1:1001"));
    }

    [Fact]
    public async Task Stats_CountOrdersByStatusAndTodaysRevenue()
    {
        await Stock("A").SetOnHand(5);
        await Grains.OrderGrain(_org, "o1").Create(Order(("A", 2)));
        await Grains.OrderGrain(_org, "o2").Create(Order(("A", 1)));
        await Grains.OrderGrain(_org, "o3").Create(Order(("A", 1)));
        await Grains.OrderGrain(_org, "o1").Confirm();
        await Grains.OrderGrain(_org, "o3").Cancel("changed mind");

        var stats = await Grains.GetGrain<IOrderStatsGrain>(_org).Get();

        Assert.Equal(1, stats.ByStatus["pending"]);
        Assert.Equal(1, stats.ByStatus["confirmed"]);
        Assert.Equal(1, stats.ByStatus["cancelled"]);
        Assert.Equal(3, stats.TodayOrders);
        Assert.Equal(7.50m, stats.TodayRevenue["EUR"]);
    }

    private static async Task AssertRefusesAllBut(IOrderGrain order, OrderAction? allowed)
    {
        var before = (await order.Get())!;
        foreach (var action in Enum.GetValues<OrderAction>())
        {
            if (action == allowed || (action == OrderAction.Cancel && OrderStateMachine.CanApply(before.Status, action)))
            {
                continue;
            }
            Func<Task> call = action switch
            {
                OrderAction.Confirm => order.Confirm,
                OrderAction.Pack => order.Pack,
                OrderAction.Ship => () => order.Ship("X"),
                OrderAction.Deliver => order.Deliver,
                _ => () => order.Cancel("test"),
            };
            await Assert.ThrowsAsync<OrderTransitionException>(call);
        }
        var after = (await order.Get())!;
        Assert.Equal((before.Status, before.UpdatedAt), (after.Status, after.UpdatedAt));
    }
}
