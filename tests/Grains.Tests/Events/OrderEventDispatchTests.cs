using System.Collections.Concurrent;
using System.Text.Json;
using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Orders;
using Granary.Grains.Tests.Webhooks.Delivery;
using Granary.Grains.Tests.Webhooks.Sending;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Events;

/// <summary>
/// An order's outbox becomes webhook deliveries and emails, then is acknowledged; a failed hand-over is retried by
/// the order's outbox reminder, fired by Orleans (its period and the minimum reminder period lowered to 1 s).
/// </summary>
public sealed class OrderEventDispatchTests(OrderEventDispatchTests.Fixture fixture) : IClassFixture<OrderEventDispatchTests.Fixture>
{
    private readonly DeliveryScope _scope = new(fixture);

    private string Org => _scope.Org;

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task OrderEvents_AreDeliveredToMatchingEndpoints_AndLeaveTheOutbox()
    {
        await _scope.AddEndpointAsync("all", "ok", "order.*");
        await _scope.AddEndpointAsync("shipped-only", "ok", "order.shipped");
        await Grains.GetGrain<IInventoryGrain>(InventoryKey.For(Org, "A")).SetOnHand(5);
        var order = Grains.OrderGrain(Org, "o1");

        await order.Create(Order(("A", 2)));
        await order.Confirm();

        await Poll.UntilAsync(async () => (await order.GetPendingEvents()).Count == 0 && Received().Count == 2, "both events to be delivered and acknowledged");
        var received = Received();
        Assert.Equal(["order.confirmed", "order.created"], received.Select(r => r.GetProperty("type").GetString()).Order());
        Assert.All(received, r => Assert.Equal("o1", r.GetProperty("data").GetProperty("order").GetProperty("id").GetString()));
        Assert.Contains(received, r => r.GetProperty("data").GetProperty("order").GetProperty("status").GetString() == "confirmed");
    }

    [Fact]
    public async Task ConfirmedOrder_QueuesTheConfirmationEmailToTheCustomer_UnderTheEventsStableJobId()
    {
        await _scope.AddEndpointAsync("confirmed", "ok", "order.confirmed");
        await Grains.GetGrain<IInventoryGrain>(InventoryKey.For(Org, "A")).SetOnHand(5);
        var order = Grains.OrderGrain(Org, "o1");
        await order.Create(Order(("A", 1)));
        await order.Confirm();

        await Poll.UntilAsync(async () => (await order.GetPendingEvents()).Count == 0 && Received().Count > 0, "the outbox to be handed over");
        var eventId = Received().Single().GetProperty("data").GetProperty("eventId").GetString();

        var job = await Grains.GetGrain<IEmailJobGrain>(EmailJobKey.For(Org, $"{eventId}-customer")).Get();
        Assert.NotNull(job);
        Assert.Equal(EmailTemplate.OrderConfirmation, job.Template);
        Assert.Equal("Ada@Example.com", job.To);
    }

    [Fact]
    public async Task AFailedHandOver_StaysInTheOutbox_AndTheOutboxReminderDeliversItLater()
    {
        fixture.FailFirstStarts(Org, 1);
        await _scope.AddEndpointAsync("all", "ok");
        var order = Grains.OrderGrain(Org, "o1");

        await order.Create(Order(("A", 1)));
        Assert.NotNull(await fixture.Cluster.ReminderAsync(order, OrderGrain.OutboxReminder));
        await Poll.UntilAsync(() => Task.FromResult(fixture.Failed(Org) >= 1), "the first hand-over to fail");
        Assert.Empty(Received());

        await Poll.UntilAsync(async () => (await order.GetPendingEvents()).Count == 0, "the outbox reminder to hand the event over");
        var received = Assert.Single(Received());
        Assert.Equal("order.created", received.GetProperty("type").GetString());
        await fixture.Cluster.WaitForNoReminderAsync(order, OrderGrain.OutboxReminder);
    }

    /// <summary>The bodies the receiver got for this test's organization.</summary>
    private List<JsonElement> Received() =>
        [.. fixture.Receiver.Requests
            .Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(r => r.GetProperty("data").GetProperty("order").GetProperty("organizationId").GetString() == Org)];

    /// <summary>Loopback allowed; outboxes retried every second; IWebhookDeliveryGrain.Start can be made to fail per organization.</summary>
    public sealed class Fixture : DeliveryClusterFixture
    {
        private readonly FailStarts _failures;

        public Fixture()
            : this(new FailStarts())
        {
        }

        private Fixture(FailStarts failures)
            : base(allowLoopback: true, options =>
            {
                options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                options.Set(("Events:OutboxRetry", "00:00:01"));
                options.AddServices(services => services.AddSingleton<IIncomingGrainCallFilter>(failures));
            }) => _failures = failures;

        /// <summary>Fails the next <paramref name="count"/> Start calls of deliveries of <paramref name="organizationId"/>, as a crash in the middle of a hand-over would.</summary>
        public void FailFirstStarts(string organizationId, int count) => _failures.ToFail[organizationId] = count;

        public int Failed(string organizationId) => _failures.Failed.GetValueOrDefault(organizationId);
    }

    private sealed class FailStarts : IIncomingGrainCallFilter
    {
        public ConcurrentDictionary<string, int> ToFail { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, int> Failed { get; } = new(StringComparer.Ordinal);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod.DeclaringType == typeof(IWebhookDeliveryGrain) && context.MethodName == nameof(IWebhookDeliveryGrain.Start)
                && context.TargetId.Key.ToString() is { } key && key.IndexOf('/') is var slash and > 0
                && ToFail.TryGetValue(key[..slash], out var left) && left > 0)
            {
                var organizationId = key[..slash];
                ToFail[organizationId] = left - 1;
                Failed.AddOrUpdate(organizationId, 1, (_, count) => count + 1);
                throw new InvalidOperationException("simulated failure of a hand-over");
            }
            return context.Invoke();
        }
    }
}
