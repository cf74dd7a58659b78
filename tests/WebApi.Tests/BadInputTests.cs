using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests;

/// <summary>
/// Every write endpoint answers bad bodies with 4xx problem details, never 500: auth, organizations, members and API
/// keys with a common set of bodies; inventory and orders with per-endpoint cases, where a validation failure must
/// name the field in <c>errors</c>.
/// </summary>
public sealed class BadInputTests
{
    public static TheoryData<string> Bodies() =>
    [
        "{not json",
        """{"email": 5, "password": true, "name": [], "slug": {}, "role": 1.5, "scopes": "read", "refreshToken": 3, "autoCancelMinutes": "x", "timeZone": 1}""",
        """{"unexpected": "field"}""",
        "{}",
        "",
        "[]",
        "null",
        """{"role": "superuser", "scopes": ["admin"], "autoCancelMinutes": -1}""",
        """{"role": 42}""",
        "{\"name\": \"" + new string('x', 1_100_000) + "\"}",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task EveryWriteEndpoint_BadBody_Is4xxProblem(string body)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var writes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/auth/register"),
            (HttpMethod.Post, "/auth/login"),
            (HttpMethod.Post, "/auth/refresh"),
            (HttpMethod.Post, "/auth/logout"),
            (HttpMethod.Post, "/api/v1/orgs"),
            (HttpMethod.Patch, $"/api/v1/orgs/{orgId}/settings"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/members"),
            (HttpMethod.Patch, $"/api/v1/orgs/{orgId}/members/{owner.UserId}"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/api-keys"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/webhooks"),
        };
        foreach (var (method, path) in writes)
        {
            var response = await owner.Client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{method} {path} answered {status}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    /// <summary>The inventory and order endpoints that read a body; {org}, {sku} and {id} are filled in by the test.</summary>
    public static TheoryData<string> BodyEndpoints() => [.. InventoryAndOrderWrites.Keys];

    private static readonly Dictionary<string, (string Valid, (string Body, string[] Fields)[] Invalid)> InventoryAndOrderWrites = new()
    {
        ["PUT /api/v1/orgs/{org}/inventory/{sku}"] = ("""{"onHand":5}""",
        [
            ("{}", ["onHand"]),
            ("""{"onHand":null}""", ["onHand"]),
            ("""{"onHand":"ten"}""", ["onHand"]),
            ("""{"onHand":1.5}""", ["onHand"]),
            ("""{"onHand":true}""", ["onHand"]),
            ("""{"onHand":99999999999}""", ["onHand"]),
            ("""{"onHand":-1}""", ["onHand"]),
        ]),
        ["POST /api/v1/orgs/{org}/inventory/{sku}/adjust"] = ("""{"delta":3,"reason":"found"}""",
        [
            ("{}", ["delta", "reason"]),
            ("""{"reason":"damaged"}""", ["delta"]),
            ("""{"delta":1}""", ["reason"]),
            ("""{"delta":"x","reason":"damaged"}""", ["delta"]),
            ("""{"delta":1,"reason":5}""", ["reason"]),
            ("""{"delta":[1],"reason":"damaged"}""", ["delta"]),
            ("""{"delta":0,"reason":"damaged"}""", ["delta"]),
            ("""{"delta":1,"reason":"  "}""", ["reason"]),
            ("{\"delta\":1,\"reason\":\"" + new string('r', 201) + "\"}", ["reason"]),
        ]),
        ["POST /api/v1/orgs/{org}/orders"] = (ApiSamples.OrderJson,
        [
            ("{}", ["lines", "currency", "customer", "shippingAddress"]),
            (Order(o => o.Remove("lines")), ["lines"]),
            (Order(o => o["lines"] = new JsonArray()), ["lines"]),
            (Order(o => o["lines"] = "SKU-1"), ["lines"]),
            (Order(o => o["lines"] = new JsonArray((JsonNode?)null)), ["lines[0]"]),
            (Order(o => o["lines"]![0]!["quantity"] = "two"), ["lines[0].quantity"]),
            (Order(o => o["lines"]![0]!["quantity"] = 0), ["lines[0].quantity"]),
            (Order(o => o["lines"]![0]!["unitPrice"] = "twelve"), ["lines[0].unitPrice"]),
            (Order(o => o["lines"]![0]!["unitPrice"] = -1), ["lines[0].unitPrice"]),
            (Order(o => o["lines"]![0]!["sku"] = "no spaces allowed"), ["lines[0].sku"]),
            (Order(o => o["lines"]![0]!.AsObject().Remove("sku")), ["lines[0].sku"]),
            (Order(o => o["currency"] = 978), ["currency"]),
            (Order(o => o["currency"] = "EURO"), ["currency"]),
            (Order(o => o["customer"] = "bob@example.com"), ["customer"]),
            (Order(o => o["customer"]!.AsObject().Remove("email")), ["customer.email"]),
            (Order(o => o["customer"]!["email"] = "not-an-email"), ["customer.email"]),
            (Order(o => o.Remove("shippingAddress")), ["shippingAddress"]),
            (Order(o => o["shippingAddress"]!["country"] = "FRA"), ["shippingAddress.country"]),
            (Order(o => o["shippingAddress"]!.AsObject().Remove("city")), ["shippingAddress.city"]),
            (Order(o => o["channel"] = new string('c', 101)), ["channel"]),
        ]),
        ["POST /api/v1/orgs/{org}/orders/{id}/ship"] = ("""{"trackingNumber":"TRK-1"}""",
        [
            ("{}", ["trackingNumber"]),
            ("""{"trackingNumber":5}""", ["trackingNumber"]),
            ("""{"trackingNumber":"   "}""", ["trackingNumber"]),
            ("""{"trackingNumber":{"id":"TRK-1"}}""", ["trackingNumber"]),
        ]),
        ["POST /api/v1/orgs/{org}/webhooks"] = ("""{"url":"https://receiver.example.com/h","eventTypes":["order.*"]}""",
        [
            ("{}", ["url"]),
            ("""{"url":5}""", ["url"]),
            ("""{"url":"ftp://receiver.example.com/h"}""", ["url"]),
            ("""{"url":"https://receiver.example.com/h","eventTypes":["Bad Type"]}""", ["eventTypes[0]"]),
            ("""{"url":"https://receiver.example.com/h","eventTypes":"order.*"}""", ["eventTypes"]),
            ("{\"url\":\"https://receiver.example.com/h\",\"description\":\"" + new string('d', 501) + "\"}", ["description"]),
        ]),
        ["PATCH /api/v1/orgs/{org}/webhooks/{id}"] = ("""{"enabled":false}""",
        [
            ("{}", ["body"]),
            ("""{"url":"not a url"}""", ["url"]),
            ("""{"enabled":"no"}""", ["enabled"]),
            ("""{"eventTypes":[null]}""", ["eventTypes[0]"]),
        ]),
    };

    /// <summary>Bodies wrong as a whole: none of them can be a valid request to any endpoint.</summary>
    private static IEnumerable<(string What, string Body, string ContentType)> Malformed(string valid) =>
    [
        ("malformed JSON", "{not json", "application/json"),
        ("truncated JSON", valid[..(valid.Length / 2)], "application/json"),
        ("empty body", "", "application/json"),
        ("JSON null", "null", "application/json"),
        ("JSON array", "[]", "application/json"),
        ("JSON string", "\"text\"", "application/json"),
        ("JSON number", "42", "application/json"),
        ("unknown field", valid.TrimEnd('}') + ",\"unexpected\":\"field\"}", "application/json"),
        ("huge body (> 1 MB)", valid.TrimEnd('}') + ",\"padding\":\"" + new string('x', 1_100_000) + "\"}", "application/json"),
        ("not JSON content type", valid, "text/plain"),
    ];

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task InventoryAndOrderWrites_BadBody_Is4xxProblem_NamingTheField(string route)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var orderId = await owner.CreateOrderAsync(orgId);
        var (method, template) = (route[..route.IndexOf(' ')], route[(route.IndexOf(' ') + 1)..]);
        var id = template.Contains("/webhooks/", StringComparison.Ordinal) ? await CreateWebhookAsync(owner, orgId) : orderId;
        var path = template.Replace("{org}", orgId, StringComparison.Ordinal).Replace("{sku}", ApiSamples.Sku, StringComparison.Ordinal).Replace("{id}", id, StringComparison.Ordinal);
        var (valid, invalid) = InventoryAndOrderWrites[route];

        foreach (var (what, body, contentType) in Malformed(valid))
        {
            var response = await owner.Client.SendAsync(Request(method, path, body, contentType));
            var problem = await response.Assert4xxProblemAsync($"{route} with {what}");
            if (what == "unknown field")
            {
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route} with an unknown field: {(int)response.StatusCode}");
                Assert.True(problem.Contains("unexpected", StringComparison.Ordinal), $"{route}: the problem doesn't name the unknown field: {problem}");
            }
        }
        foreach (var (body, fields) in invalid)
        {
            var response = await owner.Client.SendAsync(Request(method, path, body, "application/json"));
            var text = await response.Assert4xxProblemAsync($"{route} with {ApiSamples.Shorten(body)}");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route} with {ApiSamples.Shorten(body)}: {(int)response.StatusCode} {text}");
            var errors = JsonSerializer.Deserialize<JsonElement>(text).TryGetProperty("errors", out var e) ? e : default;
            foreach (var field in fields)
            {
                Assert.True(errors.ValueKind == JsonValueKind.Object && errors.TryGetProperty(field, out _),
                    $"{route} with {ApiSamples.Shorten(body)}: no error for '{field}' in {ApiSamples.Shorten(text)}");
            }
        }

        // The valid body still works after all that (the order ships only once packed: 409 is the state machine talking).
        var ok = await owner.Client.SendAsync(Request(method, path, valid, "application/json"));
        Assert.True(ok.IsSuccessStatusCode || (route.EndsWith("/ship", StringComparison.Ordinal) && ok.StatusCode == HttpStatusCode.Conflict),
            $"{route} with its valid body: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("confirm")]
    [InlineData("pack")]
    [InlineData("deliver")]
    [InlineData("cancel")]
    public async Task BodilessOrderMoves_AnyBody_NeverA500(string move)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var orderId = await owner.CreateOrderAsync(orgId);
        var path = $"/api/v1/orgs/{orgId}/orders/{orderId}/{move}";
        foreach (var (what, body, contentType) in Malformed(ApiSamples.OrderJson))
        {
            var response = await owner.Client.SendAsync(Request("POST", path, body, contentType));
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"POST {path} with {what}: {status} {ApiSamples.Shorten(await response.Content.ReadAsStringAsync())}");
            if (status >= 400)
            {
                await response.Assert4xxProblemAsync($"POST {path} with {what}");
            }
        }
    }

    private static async Task<string> CreateWebhookAsync(ApiSession owner, string orgId)
    {
        var created = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks", ApiSamples.Json("""{"url":"https://receiver.example.com/h"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static HttpRequestMessage Request(string method, string path, string body, string contentType) =>
        new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, contentType) }.WithIdempotencyKey();

    private static string Order(Action<JsonObject> change)
    {
        var order = JsonNode.Parse(ApiSamples.OrderJson)!.AsObject();
        change(order);
        return order.ToJsonString();
    }
}

internal static class IdempotencyRequests
{
    /// <summary>Order creation needs the header; other endpoints ignore it.</summary>
    public static HttpRequestMessage WithIdempotencyKey(this HttpRequestMessage request)
    {
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return request;
    }
}
