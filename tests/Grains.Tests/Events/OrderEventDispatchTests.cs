using System.Text.Json;
using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Orders;
using Granary.Grains.Tests.Webhooks.Delivery;
using Granary.Grains.Webhooks;
using Granary.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Events;

/// <summary>An order's outbox becomes webhook deliveries and emails, then is acknowledged; a failed hand-over is retried.</summary>
public sealed class OrderEventDispatchTests
{
    private const string Org = DeliveryFixture.Org;

    [Fact]
    public async Task OrderEvents_AreDeliveredToMatchingEndpoints_AndLeaveTheOutbox()
    {
        await using var fixture = await DeliveryFixture.StartAsync();
        await fixture.AddEndpointAsync("all", "ok", "order.*");
        await fixture.AddEndpointAsync("shipped-only", "ok", "order.shipped");
        await fixture.Grains.GetGrain<IInventoryGrain>(InventoryKey.For(Org, "A")).SetOnHand(5);
        var order = fixture.Grains.OrderGrain(Org, "o1");

        await order.Create(Order(("A", 2)));
        await order.Confirm();

        await fixture.WaitUntilAsync(async () => (await order.GetPendingEvents()).Count == 0 && fixture.Receiver.Requests.Count == 2, "both events to be delivered and acknowledged");
        var received = fixture.Receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToArray();
        Assert.Equal(["order.confirmed", "order.created"], received.Select(r => r.GetProperty("type").GetString()).Order());
        Assert.All(received, r => Assert.Equal("o1", r.GetProperty("data").GetProperty("order").GetProperty("id").GetString()));
        Assert.Contains(received, r => r.GetProperty("data").GetProperty("order").GetProperty("status").GetString() == "confirmed");
    }

    [Fact]
    public async Task ConfirmedOrder_QueuesTheConfirmationEmailToTheCustomer_UnderTheEventsStableJobId()
    {
        await using var fixture = await DeliveryFixture.StartAsync();
        await fixture.AddEndpointAsync("confirmed", "ok", "order.confirmed");
        await fixture.Grains.GetGrain<IInventoryGrain>(InventoryKey.For(Org, "A")).SetOnHand(5);
        var order = fixture.Grains.OrderGrain(Org, "o1");
        await order.Create(Order(("A", 1)));
        await order.Confirm();

        await fixture.WaitUntilAsync(async () => (await order.GetPendingEvents()).Count == 0 && !fixture.Receiver.Requests.IsEmpty, "the outbox to be handed over");
        var eventId = JsonDocument.Parse(fixture.Receiver.Requests.Single().Body).RootElement.GetProperty("data").GetProperty("eventId").GetString();

        var job = await fixture.Grains.GetGrain<IEmailJobGrain>(EmailJobKey.For(Org, $"{eventId}-customer")).Get();
        Assert.NotNull(job);
        Assert.Equal(EmailTemplate.OrderConfirmation, job.Template);
        Assert.Equal("Ada@Example.com", job.To);
    }

    [Fact]
    public async Task AFailedHandOver_StaysInTheOutbox_AndTheOutboxReminderDeliversItLater()
    {
        var failing = new FailFirstStarts(1);
        await using var fixture = await DeliveryFixture.StartAsync(configure: o => o.ConfigureServices += s => s.AddSingleton<IIncomingGrainCallFilter>(failing),
            settings: [("Events:OutboxRetry", "00:00:30")]);
        await fixture.AddEndpointAsync("all", "ok");
        var order = fixture.Grains.OrderGrain(Org, "o1");

        await order.Create(Order(("A", 1)));
        await fixture.WaitUntilAsync(() => Task.FromResult(failing.Failed >= 1), "the first hand-over to fail");
        Assert.Single(await order.GetPendingEvents());
        Assert.Empty(fixture.Receiver.Requests);

        await fixture.WaitUntilAsync(async () => (await order.GetPendingEvents()).Count == 0, "the outbox reminder to hand the event over", TimeSpan.FromSeconds(5));
        var received = Assert.Single(fixture.Receiver.Requests);
        Assert.Equal("order.created", JsonDocument.Parse(received.Body).RootElement.GetProperty("type").GetString());
    }

    /// <summary>Fails the first <c>n</c> calls of IWebhookDeliveryGrain.Start, as a crash in the middle of a hand-over would.</summary>
    private sealed class FailFirstStarts(int n) : IIncomingGrainCallFilter
    {
        private int _failed;

        public int Failed => Volatile.Read(ref _failed);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceName == typeof(IWebhookDeliveryGrain).FullName && context.MethodName == nameof(IWebhookDeliveryGrain.Start)
                && Interlocked.Increment(ref _failed) <= n)
            {
                throw new InvalidOperationException("simulated failure of a hand-over");
            }
            return context.Invoke();
        }
    }
}
