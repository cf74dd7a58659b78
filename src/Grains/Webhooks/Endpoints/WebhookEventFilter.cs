namespace Granary.Grains.Webhooks.Endpoints;

/// <summary>
/// Which event types an endpoint takes: an empty filter or "*" takes every type, "order.*" every type under "order.",
/// anything else exactly that type (ordinal).
/// </summary>
public static class WebhookEventFilter
{
    public const string All = "*";

    public static bool Matches(IReadOnlyList<string> filter, string eventType)
    {
        if (filter.Count == 0)
        {
            return true;
        }
        for (var i = 0; i < filter.Count; i++)
        {
            if (Matches(filter[i], eventType))
            {
                return true;
            }
        }
        return false;
    }

    public static bool Matches(string pattern, string eventType)
    {
        if (pattern == All)
        {
            return true;
        }
        if (pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            // "order.*" takes "order.created" but not "order" nor "orders.created".
            var prefixLength = pattern.Length - 1;
            return eventType.Length > prefixLength && string.CompareOrdinal(eventType, 0, pattern, 0, prefixLength) == 0;
        }
        return string.Equals(pattern, eventType, StringComparison.Ordinal);
    }
}
