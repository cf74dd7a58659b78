using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Granary.Grains.Channels;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Channels;

public sealed class ChannelApiTests
{
    private const string Generic = """
        {"externalId":"SHOP-1001","currency":"EUR","customer":{"email":"ada@example.com","name":"Ada"},
         "shippingAddress":{"line1":"1 Main St","city":"Lyon","postalCode":"69001","country":"FR"},
         "lines":[{"sku":"SKU-1","quantity":2,"unitPrice":12.50}]}
        """;

    private const string Marketplace = """
        {"order":{"id":"MK-77","buyer":{"email":"bob@example.com","full_name":"Bob B"},
         "items":[{"product":{"sku":"SKU-1"},"qty":3,"price":{"amount":"12.50","currency":"EUR"}}],
         "shipping":{"address1":"2 Rue Haute","city":"Paris","zip":"75001","country_code":"FR"}}}
        """;

    private sealed record Channel(string Id, string InboundUrl, string Secret);

    private static async Task<Channel> CreateChannelAsync(ApiSession admin, string orgId, string kind = "generic")
    {
        var created = await admin.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/channels", new { kind, name = "Web shop" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadAsync<JsonElement>();
        return new Channel(body.GetProperty("id").GetString()!, body.GetProperty("inboundUrl").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private static Task<HttpResponseMessage> PostSignedAsync(HttpClient client, string channelId, string json, string secret, long? timestamp = null)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var at = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/channels/{channelId}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(ChannelSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(ChannelSignature.SignatureHeader, ChannelSignature.Sign(secret, at, body));
        return client.SendAsync(request);
    }

    private static async Task<string[]> ListOrderIdsAsync(ApiSession session, string orgId, string query = "")
    {
        var listed = await session.Client.GetAsync($"/api/v1/orgs/{orgId}/orders{query}");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        return [.. (await listed.ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()!)];
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task SignedGenericPayload_CreatesOneOrder_RepeatReturnsTheSameOrder(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var channel = await CreateChannelAsync(owner, orgId);
        Assert.Equal($"http://localhost/hooks/channels/{channel.Id}", channel.InboundUrl);
        Assert.StartsWith("chs_", channel.Secret);
        var anonymous = factory.CreateClient();

        var first = await PostSignedAsync(anonymous, channel.Id, Generic, channel.Secret);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await first.ReadAsync<JsonElement>();
        var orderId = created.GetProperty("orderId").GetString()!;
        Assert.False(created.GetProperty("existing").GetBoolean());

        var order = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders/{orderId}")).ReadAsync<JsonElement>();
        Assert.Equal((channel.Id, "SHOP-1001", "pending", 25.00m),
            (order.GetProperty("channel").GetString(), order.GetProperty("externalId").GetString(), order.GetProperty("status").GetString(), order.GetProperty("total").GetDecimal()));
        Assert.Equal([orderId], await ListOrderIdsAsync(owner, orgId, $"?channel={channel.Id}"));

        var repeat = await PostSignedAsync(anonymous, channel.Id, Generic, channel.Secret);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        var again = await repeat.ReadAsync<JsonElement>();
        Assert.Equal((orderId, true), (again.GetProperty("orderId").GetString(), again.GetProperty("existing").GetBoolean()));
        Assert.Equal([orderId], await ListOrderIdsAsync(owner, orgId));
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task SignedMarketplacePayload_CreatesTheOrder(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var channel = await CreateChannelAsync(owner, orgId, "marketplace");

        var posted = await PostSignedAsync(factory.CreateClient(), channel.Id, Marketplace, channel.Secret);

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var orderId = (await posted.ReadAsync<JsonElement>()).GetProperty("orderId").GetString()!;
        var order = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders/{orderId}")).ReadAsync<JsonElement>();
        Assert.Equal(("MK-77", 37.50m, "bob@example.com"),
            (order.GetProperty("externalId").GetString(), order.GetProperty("total").GetDecimal(), order.GetProperty("customer").GetProperty("email").GetString()));
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task BadSignatures_Are401_AndStoreNothing(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var channel = await CreateChannelAsync(owner, orgId);
        var anonymous = factory.CreateClient();
        var stale = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds();

        var wrongSecret = await PostSignedAsync(anonymous, channel.Id, Generic, "chs_wrong");
        var expired = await PostSignedAsync(anonymous, channel.Id, Generic, channel.Secret, stale);
        var unknown = await PostSignedAsync(anonymous, "ch_doesnotexist", Generic, channel.Secret);
        var unsigned = await anonymous.PostAsync($"/hooks/channels/{channel.Id}", new StringContent(Generic, Encoding.UTF8, "application/json"));

        var titles = new List<string>();
        foreach (var response in new[] { wrongSecret, expired, unknown, unsigned })
        {
            titles.Add((await response.AssertProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("title").GetString()!);
        }
        Assert.Single(titles.Distinct());
        Assert.Empty(await ListOrderIdsAsync(owner, orgId));
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task DisabledChannel_Is401_AndRotatedSecretReplacesTheOldOne(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var channel = await CreateChannelAsync(owner, orgId);
        var anonymous = factory.CreateClient();

        var rotated = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/channels/{channel.Id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.ReadAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.NotEqual(channel.Secret, newSecret);
        await (await PostSignedAsync(anonymous, channel.Id, Generic, channel.Secret)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Created, (await PostSignedAsync(anonymous, channel.Id, Generic, newSecret)).StatusCode);

        var disabled = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/channels/{channel.Id}/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False((await disabled.ReadAsync<JsonElement>()).GetProperty("enabled").GetBoolean());
        await (await PostSignedAsync(anonymous, channel.Id, Generic.Replace("SHOP-1001", "SHOP-1002"), newSecret)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Single(await ListOrderIdsAsync(owner, orgId));

        var listed = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/channels")).ReadAsync<JsonElement>();
        var only = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal((channel.Id, "generic", "Web shop", false), (only.GetProperty("id").GetString(), only.GetProperty("kind").GetString(), only.GetProperty("name").GetString(), only.GetProperty("enabled").GetBoolean()));
        Assert.False(only.TryGetProperty("secret", out _));
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task InvalidPayload_Is400NamingTheField_AndStoresNothing(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var channel = await CreateChannelAsync(owner, orgId, "marketplace");
        var anonymous = factory.CreateClient();

        var badAmount = await PostSignedAsync(anonymous, channel.Id, Marketplace.Replace("\"12.50\"", "\"12,50\""), channel.Secret);
        var notJson = await PostSignedAsync(anonymous, channel.Id, "{oops", channel.Secret);

        Assert.True((await badAmount.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("order.items[0].price.amount", out _));
        Assert.True((await notJson.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("body", out _));
        Assert.Empty(await ListOrderIdsAsync(owner, orgId));
    }
}
