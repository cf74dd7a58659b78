using System.Text.Json;
using Granary.Grains.Orders;
using static Granary.Grains.Channels.PayloadReader;

namespace Granary.Grains.Channels;

/// <summary>An inbound payload turned into an order command, with the channel's own id for the order.</summary>
public sealed record NormalizedOrder(string ExternalId, CreateOrder Command);

/// <summary>
/// Turns the raw body of an inbound payload into a <see cref="CreateOrder"/>, per channel kind (formats in
/// docs/channels.md). Throws <see cref="ChannelPayloadException"/> naming the first bad field.
/// </summary>
public static class ChannelPayloads
{
    private const int MaxLines = 500;

    public static NormalizedOrder Normalize(ChannelKind kind, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException error)
        {
            // The parser's own text names its position in .NET terms; the path says where, in the sender's.
            throw new ChannelPayloadException("body", error.Path is { Length: > 1 } path
                ? $"The body is not valid JSON (near {path.TrimStart('$').TrimStart('.')})."
                : "The body is not valid JSON.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ChannelPayloadException("body", "The body must be a JSON object.");
            }
            return kind switch
            {
                ChannelKind.Generic => Generic(document.RootElement),
                ChannelKind.Marketplace => Marketplace(document.RootElement),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown channel kind."),
            };
        }
    }

    /// <summary>{externalId, currency, customer {email, name}, shippingAddress {line1, line2, city, region, postalCode, country}, lines [{sku, quantity, unitPrice}]}.</summary>
    public static NormalizedOrder Generic(JsonElement root)
    {
        var externalId = Text(root, "externalId", "externalId");
        var currency = Currency(OptionalText(root, "currency", "currency"), "currency");
        var customer = Object(root, "customer", "customer");
        var email = Email(Text(customer, "email", "customer.email", 254), "customer.email");
        var name = OptionalText(customer, "name", "customer.name");
        var address = Object(root, "shippingAddress", "shippingAddress");
        var shipping = new Address(
            Text(address, "line1", "shippingAddress.line1"),
            OptionalText(address, "line2", "shippingAddress.line2"),
            Text(address, "city", "shippingAddress.city"),
            OptionalText(address, "region", "shippingAddress.region"),
            Text(address, "postalCode", "shippingAddress.postalCode", 20),
            Country(OptionalText(address, "country", "shippingAddress.country"), "shippingAddress.country"));
        var lines = new List<OrderLine>();
        var i = 0;
        foreach (var line in Array(root, "lines", "lines", MaxLines).EnumerateArray())
        {
            var path = $"lines[{i++}]";
            if (line.ValueKind != JsonValueKind.Object)
            {
                throw new ChannelPayloadException(path, $"{path} must be an object.");
            }
            lines.Add(new OrderLine(Sku(Text(line, "sku", path + ".sku", 64), path + ".sku"), Quantity(line, "quantity", path + ".quantity"), Price(line, "unitPrice", path + ".unitPrice")));
        }
        return new NormalizedOrder(externalId, new CreateOrder(lines, currency, new Customer(email, name), shipping));
    }

    /// <summary>
    /// {order: {id, buyer {email, full_name}, items [{product {sku}, qty, price {amount: "12.50", currency}}],
    /// shipping {address1, address2, city, province, zip, country_code}}}: money as strings, the currency on each
    /// price (all items must agree).
    /// </summary>
    public static NormalizedOrder Marketplace(JsonElement root)
    {
        var order = Object(root, "order", "order");
        var externalId = Text(order, "id", "order.id");
        var buyer = Object(order, "buyer", "order.buyer");
        var email = Email(Text(buyer, "email", "order.buyer.email", 254), "order.buyer.email");
        var name = OptionalText(buyer, "full_name", "order.buyer.full_name");
        var address = Object(order, "shipping", "order.shipping");
        var shipping = new Address(
            Text(address, "address1", "order.shipping.address1"),
            OptionalText(address, "address2", "order.shipping.address2"),
            Text(address, "city", "order.shipping.city"),
            OptionalText(address, "province", "order.shipping.province"),
            Text(address, "zip", "order.shipping.zip", 20),
            Country(OptionalText(address, "country_code", "order.shipping.country_code"), "order.shipping.country_code"));
        string? currency = null;
        var lines = new List<OrderLine>();
        var i = 0;
        foreach (var item in Array(order, "items", "order.items", MaxLines).EnumerateArray())
        {
            var path = $"order.items[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ChannelPayloadException(path, $"{path} must be an object.");
            }
            var product = Object(item, "product", path + ".product");
            var sku = Sku(Text(product, "sku", path + ".product.sku", 64), path + ".product.sku");
            var quantity = Quantity(item, "qty", path + ".qty");
            var price = Object(item, "price", path + ".price");
            var amount = MoneyString(price, "amount", path + ".price.amount");
            var itemCurrency = Currency(OptionalText(price, "currency", path + ".price.currency"), path + ".price.currency");
            if (currency is not null && currency != itemCurrency)
            {
                throw new ChannelPayloadException(path + ".price.currency", $"Every item must be priced in the same currency ({currency}).");
            }
            currency = itemCurrency;
            lines.Add(new OrderLine(sku, quantity, amount));
        }
        return new NormalizedOrder(externalId, new CreateOrder(lines, currency!, new Customer(email, name), shipping));
    }
}
