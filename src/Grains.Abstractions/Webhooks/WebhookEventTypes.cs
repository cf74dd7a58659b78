using Granary.Grains.Orders;

namespace Granary.Grains.Webhooks;

/// <summary>
/// The event types a webhook endpoint can receive, and which subscriptions can match one: an endpoint subscribed
/// only to types that never happen would never fire, so the API refuses such a subscription with this list.
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>The event "send test event" delivers.</summary>
    public const string Test = "webhook.test";

    /// <summary>Every type, in the order a client reads them: an order's creation, each status it can move to, the test event.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "order.created",
        .. Enum.GetValues<OrderStatus>().Where(status => status != OrderStatus.Pending).Select(status => "order." + status.ToString().ToLowerInvariant()),
        Test,
    ];

    /// <summary>Whether <paramref name="subscription"/> ("*", a type, or a prefix such as "order.*") matches at least one type.</summary>
    public static bool MatchesAny(string subscription) =>
        subscription == "*"
        || All.Contains(subscription, StringComparer.Ordinal)
        || (subscription.EndsWith(".*", StringComparison.Ordinal)
            && All.Any(type => type.StartsWith(subscription[..^1], StringComparison.Ordinal)));
}
