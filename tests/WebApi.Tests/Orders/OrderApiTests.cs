using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Orders;

public sealed class OrderApiTests
{
    private static object NewOrder(string sku = "SKU-1", int quantity = 2, string email = "ada@example.com", string channel = "web") => new
    {
        lines = new[] { new { sku, quantity, unitPrice = 12.50m } },
        currency = "EUR",
        customer = new { email, name = "Ada" },
        shippingAddress = new { line1 = "1 Main St", line2 = (string?)null, city = "Lyon", region = (string?)null, postalCode = "69001", country = "FR" },
        channel,
        externalId = (string?)null,
    };

    private static async Task<HttpResponseMessage> PostOrder(HttpClient client, string orgId, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task CreateConfirmPackShipDeliver_AndListFromSql(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 10 })).StatusCode);

        var created = await PostOrder(owner.Client, orgId, NewOrder());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var order = await created.ReadAsync<JsonElement>();
        var id = order.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/orgs/{orgId}/orders/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("pending", order.GetProperty("status").GetString());
        Assert.Equal(25.00m, order.GetProperty("total").GetDecimal());

        var listed = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders?status=pending")).ReadAsync<JsonElement>();
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()));

        foreach (var (path, status) in new[] { ("confirm", "confirmed"), ("pack", "packed") })
        {
            var moved = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/orders/{id}/{path}", null);
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            Assert.Equal(status, (await moved.ReadAsync<JsonElement>()).GetProperty("status").GetString());
        }
        var stock = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1")).ReadAsync<JsonElement>();
        Assert.Equal(2, stock.GetProperty("reserved").GetInt32());

        var shipped = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/orders/{id}/ship", new { trackingNumber = "TRK-1" });
        Assert.Equal("TRK-1", (await shipped.ReadAsync<JsonElement>()).GetProperty("trackingNumber").GetString());
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/orders/{id}/deliver", null)).StatusCode);

        var cancel = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/orders/{id}/cancel", null);
        var problem = await cancel.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("delivered", problem.GetProperty("currentStatus").GetString());

        stock = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1")).ReadAsync<JsonElement>();
        Assert.Equal((8, 0, 8), (stock.GetProperty("onHand").GetInt32(), stock.GetProperty("reserved").GetInt32(), stock.GetProperty("available").GetInt32()));

        var delivered = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders?status=delivered&customerEmail=ADA@example.com")).ReadAsync<JsonElement>();
        Assert.Equal([id], delivered.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        var inventory = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/inventory")).ReadAsync<JsonElement>();
        Assert.Equal(["SKU-1"], inventory.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("sku").GetString()));

        var stats = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/stats")).ReadAsync<JsonElement>();
        Assert.Equal(1, stats.GetProperty("ordersByStatus").GetProperty("delivered").GetInt32());
        Assert.Equal(1, stats.GetProperty("today").GetProperty("orders").GetInt32());
    }

    [Fact]
    public async Task Get_AnswersTheSameJsonAsTheCreate_ContentTypeJson()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var created = await PostOrder(owner.Client, orgId, NewOrder(), key: "k1");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var read = await owner.Client.GetAsync(created.Headers.Location);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("application/json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await created.Content.ReadAsStringAsync(), await read.Content.ReadAsStringAsync());

        // A read after a change shows the change (bodies are rendered once per state of the order).
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 5 })).StatusCode);
        var confirmed = await owner.Client.PostAsync($"{created.Headers.Location}/confirm", null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var reread = await owner.Client.GetAsync(created.Headers.Location);
        Assert.Equal(await confirmed.Content.ReadAsStringAsync(), await reread.Content.ReadAsStringAsync());
        Assert.Equal("confirmed", (await reread.ReadAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_SameKeySameBody_ReplaysTheFirstResponse_DifferentBodyIs422()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var otherOrgId = await owner.CreateOrganizationAsync();
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 10 })).StatusCode);

        var first = await PostOrder(owner.Client, orgId, NewOrder(), key: "k1");
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PostAsync($"{first.Headers.Location}/confirm", null)).StatusCode);
        var retry = await PostOrder(owner.Client, orgId, NewOrder(), key: "k1");
        var sameKeyElsewhere = await PostOrder(owner.Client, otherOrgId, NewOrder(), key: "k1");
        var other = await PostOrder(owner.Client, orgId, NewOrder(quantity: 3), key: "k1");
        var missing = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders") { Content = JsonContent.Create(NewOrder()) };

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        // The replay is the first answer (status pending), though the order was confirmed since; only it is marked.
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal("pending", (await retry.ReadAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], retry.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, sameKeyElsewhere.StatusCode);
        Assert.NotEqual(first.Headers.Location!.OriginalString.Split('/')[^1], sameKeyElsewhere.Headers.Location!.OriginalString.Split('/')[^1]);
        await other.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var noKey = await (await owner.Client.SendAsync(missing)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(noKey.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        var all = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders")).ReadAsync<JsonElement>();
        Assert.Equal(1, all.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Confirm_ShortOfStock_Is409NamingTheSku()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        await owner.Client.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 1 });
        var id = (await (await PostOrder(owner.Client, orgId, NewOrder())).ReadAsync<JsonElement>()).GetProperty("id").GetString();

        var problem = await (await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/orders/{id}/confirm", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("SKU-1", problem.GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Create_InvalidBody_Is400NamingEachField()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var body = new
        {
            lines = new[] { new { sku = "A", quantity = 0, unitPrice = -1m } },
            currency = "EURO",
            customer = new { email = "not-an-email", name = "x" },
            shippingAddress = new { line1 = "1", city = "c", postalCode = "1", country = "FR" },
        };

        var problem = await (await PostOrder(owner.Client, orgId, body)).AssertProblemAsync(HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "lines[0].quantity", "lines[0].unitPrice", "currency", "customer.email" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task List_PagesNewestFirstWithFilters(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var created = await PostOrder(owner.Client, orgId, NewOrder(channel: i % 2 == 0 ? "web" : "shop"));
            ids.Add((await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"))).ReadAsync<JsonElement>();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
        var web = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders?channel=web")).ReadAsync<JsonElement>();
        Assert.Equal(3, web.GetProperty("items").GetArrayLength());
        var future = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders?createdFrom=2999-01-01T00:00:00Z")).ReadAsync<JsonElement>();
        Assert.Equal(0, future.GetProperty("items").GetArrayLength());
        await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/orders?status=lost")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
