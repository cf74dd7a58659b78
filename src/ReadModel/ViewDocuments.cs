using System.Text.Json;
using System.Text.Json.Serialization;
using Granary.Grains.Emails;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;

namespace Granary.ReadModel;

/// <summary>
/// The JSON a list row carries (camelCase, enums by name): what a list answers for that row, written by the grain
/// and read back by the list without activating it. Not a stored grain state: the grain's state stays the truth.
/// </summary>
internal static class ViewDocuments
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static OrderSnapshot Order(string json) => Read<OrderSnapshot>(json);

    public static WebhookDeliveryInfo Delivery(string json) => Read<WebhookDeliveryInfo>(json);

    public static EmailJobInfo EmailJob(string json) => Read<EmailJobInfo>(json);

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"A read-model row holds null where a {typeof(T).Name} was expected.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
