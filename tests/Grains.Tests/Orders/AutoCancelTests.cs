using Granary.Grains.Inventory;
using Granary.Grains.Orders;
using Granary.Grains.Organizations;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Users;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Orders;

/// <summary>
/// Pending orders cancel themselves after the organization's timeout: a due reminder (DueReminders) registered at
/// creation. Its due time is read from the reminder table; its tick is delivered by the test after the fake clock
/// moved past it (a real tick would take an hour).
/// </summary>
public sealed class AutoCancelTests(HeldOutboxesFixture fixture) : IClassFixture<HeldOutboxesFixture>
{
    private static readonly TimeSpan MinimumReminderPeriod = TimeSpan.FromMinutes(1);

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task PendingOrder_IsCancelledAfterTheDefault60Minutes_WhenTheOrganizationIsUnknown()
    {
        var orgId = NewOrg();
        await Grains.SubscribeToEveryEvent(orgId);
        var order = Grains.OrderGrain(orgId, "o1");
        var before = DateTime.UtcNow;
        await order.Create(Order(("A", 1)));
        var after = DateTime.UtcNow;

        await AssertDueAsync(order, TimeSpan.FromMinutes(60), before, after);
        fixture.Time.Advance(TimeSpan.FromMinutes(61));
        await fixture.Cluster.TickAsync(order, OrderGrain.AutoCancelReminder);

        var cancelled = (await order.Get())!;
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.StartsWith("auto-cancelled", cancelled.CancelReason, StringComparison.Ordinal);
        Assert.Equal(["order.created", "order.cancelled"], (await order.GetPendingEvents()).Select(e => e.Type));
        Assert.Null(await fixture.Cluster.ReminderAsync(order, OrderGrain.AutoCancelReminder));
    }

    [Fact]
    public async Task PendingOrder_UsesTheOrganizationsTimeout_AndConfirmedOrdersStay()
    {
        var orgId = NewOrg();
        var ownerId = $"owner-{orgId}";
        await Grains.GetGrain<IUserGrain>(ownerId).Create(new NewUser($"{ownerId}@example.com", "Owner", "hash"));
        var org = Grains.GetGrain<IOrganizationGrain>(orgId);
        await org.Create(new CreateOrganization("Org", orgId), ownerId);
        await org.UpdateSettings(new OrganizationSettings(AutoCancelMinutes: 5));
        await Grains.GetGrain<IInventoryGrain>(InventoryKey.For(orgId, "A")).SetOnHand(10);
        var pending = Grains.OrderGrain(orgId, "pending");
        var confirmed = Grains.OrderGrain(orgId, "confirmed");
        var before = DateTime.UtcNow;
        await pending.Create(Order(("A", 1)));
        var after = DateTime.UtcNow;
        await confirmed.Create(Order(("A", 1)));
        await confirmed.Confirm();

        await AssertDueAsync(pending, TimeSpan.FromMinutes(5), before, after);
        Assert.Null(await fixture.Cluster.ReminderAsync(confirmed, OrderGrain.AutoCancelReminder));
        fixture.Time.Advance(TimeSpan.FromMinutes(6));
        await fixture.Cluster.TickAsync(pending, OrderGrain.AutoCancelReminder);
        Assert.Equal(OrderStatus.Cancelled, (await pending.Get())!.Status);

        // A stray tick (Orleans may deliver one while a reminder is being removed) leaves a confirmed order alone.
        fixture.Time.Advance(TimeSpan.FromMinutes(120));
        var now = fixture.Time.GetUtcNow().UtcDateTime;
        await Grains.GetGrain<IRemindable>(confirmed.GetGrainId()).ReceiveReminder(OrderGrain.AutoCancelReminder, new TickStatus(now, MinimumReminderPeriod, now));
        Assert.Equal(OrderStatus.Confirmed, (await confirmed.Get())!.Status);
    }

    /// <summary>The auto-cancel reminder is due <paramref name="timeout"/> after it was registered (between the two instants), then repeats every minimum period.</summary>
    private async Task AssertDueAsync(IOrderGrain order, TimeSpan timeout, DateTime registeredAfter, DateTime registeredBefore)
    {
        var reminder = await fixture.Cluster.ReminderAsync(order, OrderGrain.AutoCancelReminder);
        Assert.NotNull(reminder);
        Assert.InRange(reminder.StartAt, registeredAfter + timeout, registeredBefore + timeout);
        Assert.Equal(MinimumReminderPeriod, reminder.Period);
    }
}
