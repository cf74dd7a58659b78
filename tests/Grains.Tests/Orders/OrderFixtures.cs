using Granary.Grains.Orders;

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

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="timeout"/> (10 s) of real time.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Action? betweenTries = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting for {what}.");
            }
            betweenTries?.Invoke();
            await Task.Delay(20);
        }
    }
}

/// <summary>
/// Keeps order outboxes as transitions leave them: every hand-over to the event dispatcher is refused, so a test can
/// read the events an order recorded (with hand-overs on, they are acknowledged within milliseconds).
/// </summary>
internal sealed class HoldOutboxes : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.InterfaceName == typeof(Granary.Grains.Events.IOrderEventDispatcherGrain).FullName
            ? throw new InvalidOperationException("Hand-overs of order events are held in this test.")
            : context.Invoke();

    public static void Apply(Granary.Runtime.Testing.TestClusterOptions options) =>
        options.ConfigureServices += services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions
            .AddSingleton<IIncomingGrainCallFilter, HoldOutboxes>(services);
}
