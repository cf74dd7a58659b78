using System.Text.Json;
using System.Text.Json.Serialization;
using Granary.Grains.Orders;

namespace Granary.Grains.Events;

/// <summary>
/// The JSON body of an outbound webhook: <c>{"type": "order.confirmed", "timestamp": "…Z", "data": {"eventId": …,
/// "order": {…}}}</c>, camelCase, enums in lower case, money as numbers with the currency beside them, times in UTC.
/// Made once per event, so every attempt of every delivery of it sends the same bytes.
/// </summary>
public static class EventPayloads
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static string ForOrderEvent(OrderEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return JsonSerializer.Serialize(new Envelope<OrderEventData>(change.Type, change.OccurredAt.ToUniversalTime(),
            new OrderEventData(change.Id, change.Order)), Options);
    }

    /// <summary>The body of a "webhook.test" event sent by the "send test event" call.</summary>
    public static string ForTest(string eventId, string organizationId, DateTimeOffset at) =>
        JsonSerializer.Serialize(new Envelope<TestEventData>("webhook.test", at.ToUniversalTime(), new TestEventData(eventId, organizationId,
            "A test event sent from the Granary API.")), Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }

    private sealed record Envelope<T>(string Type, DateTimeOffset Timestamp, T Data);

    private sealed record OrderEventData(string EventId, OrderSnapshot Order);

    private sealed record TestEventData(string EventId, string OrganizationId, string Message);
}
