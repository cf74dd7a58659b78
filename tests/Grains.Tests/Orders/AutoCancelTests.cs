using Granary.Grains.Inventory;
using Granary.Grains.Orders;
using Granary.Grains.Organizations;
using Granary.Grains.Users;
using Granary.Runtime.Testing;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Orders;

/// <summary>Pending orders cancel themselves after the organization's timeout (a one-shot reminder).</summary>
public sealed class AutoCancelTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.GrainFactory;

    public async Task InitializeAsync() => _cluster = await GrainTestCluster.StartAsync(o =>
    {
        o.TimeProvider = _time;
        o.ConfigureReminders = r => r.PollInterval = TimeSpan.FromSeconds(10);
        HoldOutboxes.Apply(o);
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task PendingOrder_IsCancelledAfterTheDefault60Minutes_WhenTheOrganizationIsUnknown()
    {
        var order = Grains.OrderGrain("no-such-org", "o1");
        await order.Create(Order(("A", 1)));

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(OrderStatus.Pending, (await order.Get())!.Status);

        _time.Advance(TimeSpan.FromMinutes(2));
        await WaitUntilAsync(async () => (await order.Get())!.Status == OrderStatus.Cancelled, "the auto-cancel of o1", () => _time.Advance(TimeSpan.FromSeconds(10)));
        var cancelled = (await order.Get())!;
        Assert.StartsWith("auto-cancelled", cancelled.CancelReason, StringComparison.Ordinal);
        Assert.Equal(["order.created", "order.cancelled"], (await order.GetPendingEvents()).Select(e => e.Type));
    }

    [Fact]
    public async Task PendingOrder_UsesTheOrganizationsTimeout_AndConfirmedOrdersStay()
    {
        await Grains.GetGrain<IUserGrain>("u1").Create(new NewUser("owner@example.com", "Owner", "hash"));
        var org = Grains.GetGrain<IOrganizationGrain>("org1");
        await org.Create(new CreateOrganization("Org", "org"), "u1");
        await org.UpdateSettings(new OrganizationSettings(AutoCancelMinutes: 5));
        await Grains.GetGrain<IInventoryGrain>(InventoryKey.For("org1", "A")).SetOnHand(10);
        var pending = Grains.OrderGrain("org1", "pending");
        var confirmed = Grains.OrderGrain("org1", "confirmed");
        await pending.Create(Order(("A", 1)));
        await confirmed.Create(Order(("A", 1)));
        await confirmed.Confirm();

        _time.Advance(TimeSpan.FromMinutes(6));
        await WaitUntilAsync(async () => (await pending.Get())!.Status == OrderStatus.Cancelled, "the auto-cancel of the pending order", () => _time.Advance(TimeSpan.FromSeconds(10)));

        _time.Advance(TimeSpan.FromMinutes(120));
        Assert.Equal(OrderStatus.Confirmed, (await confirmed.Get())!.Status);
    }
}
