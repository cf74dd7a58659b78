using Granary.Grains.Webhooks.Endpoints;

namespace Granary.Grains.Tests.Webhooks.Endpoints;

public sealed class WebhookEventFilterTests
{
    [Theory]
    [InlineData(new string[0], "order.created", true)]
    [InlineData(new[] { "*" }, "order.shipped", true)]
    [InlineData(new[] { "order.created" }, "order.created", true)]
    [InlineData(new[] { "order.created" }, "order.confirmed", false)]
    [InlineData(new[] { "order.created" }, "Order.Created", false)]
    [InlineData(new[] { "order.*" }, "order.cancelled", true)]
    [InlineData(new[] { "order.*" }, "order", false)]
    [InlineData(new[] { "order.*" }, "orders.created", false)]
    [InlineData(new[] { "inventory.*", "order.shipped" }, "order.shipped", true)]
    [InlineData(new[] { "inventory.*", "order.shipped" }, "order.created", false)]
    public void Matches_EmptyStarPrefixOrExact(string[] filter, string eventType, bool expected) =>
        Assert.Equal(expected, WebhookEventFilter.Matches(filter, eventType));
}
