using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>Valid request bodies and the steps that create orders and API keys through the API.</summary>
public static class ApiSamples
{
    public const string Sku = "SKU-1";

    /// <summary>A valid <c>POST …/orders</c> body: two units of <see cref="Sku"/> at 12.50 EUR.</summary>
    public const string OrderJson =
        """{"lines":[{"sku":"SKU-1","quantity":2,"unitPrice":12.50}],"currency":"EUR","customer":{"email":"bob@example.com","name":"Bob"},"shippingAddress":{"line1":"1 Main St","city":"Lyon","postalCode":"69001","country":"FR"}}""";

    public static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Creates an order with a fresh Idempotency-Key and returns its id.</summary>
    public static async Task<string> CreateOrderAsync(this ApiSession session, string orgId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders") { Content = Json(OrderJson) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var created = await session.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Creates an API key with <paramref name="scopes"/>; returns its id and secret.</summary>
    public static async Task<(string Id, string Secret)> CreateApiKeyAsync(this ApiSession admin, string orgId, params string[] scopes)
    {
        var created = await admin.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/api-keys", new { name = "machine", scopes });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await created.ReadAsync<JsonElement>();
        return (key.GetProperty("id").GetString()!, key.GetProperty("key").GetString()!);
    }

    /// <summary>Asserts a 4xx RFC 9457 problem document and returns its text.</summary>
    public static async Task<string> Assert4xxProblemAsync(this HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{what} answered {status}: {Shorten(text)}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{what} answered {status} with content type '{response.Content.Headers.ContentType}' instead of application/problem+json: {Shorten(text)}");
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        return text;
    }

    public static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
