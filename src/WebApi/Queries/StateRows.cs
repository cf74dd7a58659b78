using System.Text.Json;
using System.Text.Json.Serialization;
using Granary.Grains.Inventory;
using Granary.Grains.Orders;

namespace Granary.WebApi.Queries;

/// <summary>
/// Reads state rows the way the runtime wrote them (camelCase, enums as names): an order's row deserializes into
/// <see cref="OrderSnapshot"/> (its extra fields are ignored), an inventory row into <see cref="InventoryRow"/>.
/// </summary>
internal static class StateRows
{
    public const string OrderType = "order";
    public const string OrderState = "order";
    public const string InventoryType = "inventory";
    public const string InventoryState = "inventory";

    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static OrderSnapshot Order(string payload) =>
        JsonSerializer.Deserialize<OrderSnapshot>(payload, Options) ?? throw new JsonException("An order row holds null.");

    public static StockLevel Stock(string payload)
    {
        var row = JsonSerializer.Deserialize<InventoryRow>(payload, Options) ?? throw new JsonException("An inventory row holds null.");
        return new StockLevel(row.Sku, row.OnHand, row.Reserved, row.OnHand - row.Reserved);
    }

    /// <summary>The text a DateTimeOffset has in a state row, so SQL compares bounds with stored values as text.</summary>
    public static string TimeText(DateTimeOffset value) => JsonSerializer.Serialize(value.ToUniversalTime(), Options).Trim('"');

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    private sealed record InventoryRow(string Sku, int OnHand, int Reserved);
}
