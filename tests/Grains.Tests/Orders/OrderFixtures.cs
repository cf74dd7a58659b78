using Granary.Grains.Events;
using Granary.Grains.Orders;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Grains.Tests.Orders;

/// <summary>Orders and helpers shared by the order grain tests.</summary>
internal static class OrderFixtures
{
    public static CreateOrder Order(params (string Sku, int Quantity)[] lines) => new(
        [.. lines.Select(l => new OrderLine(l.Sku, l.Quantity, 2.50m))],
        "EUR",
        new Customer("Ada@Example.com", "Ada"),
        new Address("1 Main St", null, "Lyon", null, "69001", "FR"),
        Channel: "web");

    public static IOrderGrain OrderGrain(this IGrainFactory grains, string orgId, string orderId) =>
        grains.GetGrain<IOrderGrain>(OrderKey.For(orgId, orderId));

    /// <summary>Creates the order with one fixed request hash (for tests about anything but idempotency) and returns it.</summary>
    public static async Task<OrderSnapshot> Create(this IOrderGrain order, CreateOrder command) =>
        (await order.Create("test-request", command)).Order!;

    /// <summary>
    /// Subscribes a webhook endpoint of the organization to every event type, so that its orders record every event
    /// in their outbox (an event that reaches nobody is not recorded).
    /// </summary>
    public static Task SubscribeToEveryEvent(this IGrainFactory grains, string orgId) =>
        grains.GetGrain<IWebhookEndpointsGrain>(orgId).Create(
            new NewWebhookEndpoint("ep-all", "https://hooks.example.com/all", ["*"], null, Enabled: true, "whsec_test"));

    /// <summary>A fresh organization id, so that tests sharing a cluster never share a grain.</summary>
    public static string NewOrg() => "org-" + Guid.NewGuid().ToString("N");
}

/// <summary>
/// Keeps order outboxes as transitions leave them: every hand-over to the event dispatcher is refused, so a test can
/// read the events an order recorded (with hand-overs on, they are acknowledged within milliseconds).
/// </summary>
internal sealed class HoldOutboxes : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.InterfaceMethod.DeclaringType == typeof(IOrderEventDispatcherGrain)
            ? throw new InvalidOperationException("Hand-overs of order events are held in this test.")
            : context.Invoke();

    public static void Apply(GranaryClusterOptions options) =>
        options.AddServices(services => services.AddSingleton<IIncomingGrainCallFilter, HoldOutboxes>());
}

/// <summary>A cluster whose order outboxes are held (see <see cref="HoldOutboxes"/>).</summary>
public sealed class HeldOutboxesFixture() : ClusterFixture(HoldOutboxes.Apply);
