using System.Text;
using Granary.Grains.Channels;

namespace Granary.Grains.Tests.Channels;

public sealed class ChannelPayloadsTests
{
    public const string Generic = """
        {"externalId":"SHOP-1001","currency":"eur","customer":{"email":"ada@example.com","name":"Ada"},
         "shippingAddress":{"line1":"1 Main St","city":"Lyon","postalCode":"69001","country":"fr"},
         "lines":[{"sku":"SKU-1","quantity":2,"unitPrice":12.50},{"sku":"SKU-2","quantity":1,"unitPrice":3}],
         "somethingElse":true}
        """;

    public const string Marketplace = """
        {"order":{"id":"MK-77","buyer":{"email":"bob@example.com","full_name":"Bob B"},
         "items":[{"product":{"sku":"SKU-1","title":"Mug"},"qty":3,"price":{"amount":"12.50","currency":"EUR"}},
                  {"product":{"sku":"SKU-2"},"qty":1,"price":{"amount":"0.1","currency":"EUR"}}],
         "shipping":{"address1":"2 Rue Haute","city":"Paris","zip":"75001","country_code":"FR"}}}
        """;

    private static NormalizedOrder Normalize(ChannelKind kind, string json) => ChannelPayloads.Normalize(kind, Encoding.UTF8.GetBytes(json));

    private static string FieldOf(ChannelKind kind, string json) => Assert.Throws<ChannelPayloadException>(() => Normalize(kind, json)).Field;

    [Fact]
    public void Generic_BecomesAnOrderCommand()
    {
        var order = Normalize(ChannelKind.Generic, Generic);

        Assert.Equal("SHOP-1001", order.ExternalId);
        Assert.Equal("EUR", order.Command.Currency);
        Assert.Equal(new Grains.Orders.Customer("ada@example.com", "Ada"), order.Command.Customer);
        Assert.Equal(new Grains.Orders.Address("1 Main St", null, "Lyon", null, "69001", "FR"), order.Command.ShippingAddress);
        Assert.Equal([new("SKU-1", 2, 12.50m), new("SKU-2", 1, 3m)], order.Command.Lines);
    }

    [Fact]
    public void Marketplace_BecomesAnOrderCommand_MoneyStringsAsDecimals()
    {
        var order = Normalize(ChannelKind.Marketplace, Marketplace);

        Assert.Equal("MK-77", order.ExternalId);
        Assert.Equal("EUR", order.Command.Currency);
        Assert.Equal(new Grains.Orders.Customer("bob@example.com", "Bob B"), order.Command.Customer);
        Assert.Equal(new Grains.Orders.Address("2 Rue Haute", null, "Paris", null, "75001", "FR"), order.Command.ShippingAddress);
        Assert.Equal([new("SKU-1", 3, 12.50m), new("SKU-2", 1, 0.1m)], order.Command.Lines);
    }

    [Theory]
    [InlineData("\"12,50\"")]
    [InlineData("\"1e3\"")]
    [InlineData("\"-1.00\"")]
    [InlineData("\"12.50 EUR\"")]
    [InlineData("\"\"")]
    [InlineData("12.5")]
    [InlineData("\"1.23456\"")]
    public void Marketplace_InvalidAmount_NamesTheField(string amount) =>
        Assert.Equal("order.items[0].price.amount", FieldOf(ChannelKind.Marketplace, Marketplace.Replace("\"12.50\"", amount)));

    [Fact]
    public void Marketplace_MixedCurrencies_NamesTheField() =>
        Assert.Equal("order.items[1].price.currency", FieldOf(ChannelKind.Marketplace, Marketplace.Replace("\"0.1\",\"currency\":\"EUR\"", "\"0.1\",\"currency\":\"USD\"")));

    [Theory]
    [InlineData("\"qty\":3", "\"qty\":0", "order.items[0].qty")]
    [InlineData("\"id\":\"MK-77\"", "\"id\":7", "order.id")]
    [InlineData("\"bob@example.com\"", "\"not-an-email\"", "order.buyer.email")]
    [InlineData("\"sku\":\"SKU-2\"", "\"sku\":\"bad sku\"", "order.items[1].product.sku")]
    [InlineData("\"country_code\":\"FR\"", "\"country_code\":\"FRA\"", "order.shipping.country_code")]
    public void Marketplace_InvalidField_IsNamed(string from, string to, string field) =>
        Assert.Equal(field, FieldOf(ChannelKind.Marketplace, Marketplace.Replace(from, to)));

    [Theory]
    [InlineData("\"externalId\":\"SHOP-1001\",", "", "externalId")]
    [InlineData("\"currency\":\"eur\"", "\"currency\":\"euro\"", "currency")]
    [InlineData("\"quantity\":2", "\"quantity\":\"2\"", "lines[0].quantity")]
    [InlineData("\"unitPrice\":3", "\"unitPrice\":-3", "lines[1].unitPrice")]
    [InlineData("\"city\":\"Lyon\",", "", "shippingAddress.city")]
    [InlineData("\"ada@example.com\"", "\"ada\"", "customer.email")]
    public void Generic_InvalidField_IsNamed(string from, string to, string field) =>
        Assert.Equal(field, FieldOf(ChannelKind.Generic, Generic.Replace(from, to)));

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("")]
    public void NotAJsonObject_IsABodyError(string json) => Assert.Equal("body", FieldOf(ChannelKind.Generic, json));
}
