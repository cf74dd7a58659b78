using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>A user logged in to one silo's HTTP API: requests carry the user's bearer token; answers other than the expected status fail the test.</summary>
internal sealed class ApiSession(HttpClient client, string accessToken)
{
    public HttpClient Client => client;

    public string AccessToken => accessToken;

    /// <summary>Registers <paramref name="email"/> (when <paramref name="register"/>) and logs in.</summary>
    public static async Task<ApiSession> LoginAsync(HttpClient client, string email, string password, bool register)
    {
        if (register)
        {
            using var registered = await client.PostAsJsonAsync("/auth/register", new { email, password, name = "Backup Tester" });
            Assert.True(registered.StatusCode == HttpStatusCode.Created, $"register: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        }
        using var login = await client.PostAsJsonAsync("/auth/login", new { email, password });
        var text = await login.Content.ReadAsStringAsync();
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"login as {email}: {(int)login.StatusCode} {text}");
        return new ApiSession(client, JsonSerializer.Deserialize<JsonElement>(text).GetProperty("accessToken").GetString()!);
    }

    /// <summary>POSTs <paramref name="body"/> (JSON, or nothing) and returns the answer's body, which must come with <paramref name="expected"/>.</summary>
    public async Task<string> PostAsync(string path, object? body, HttpStatusCode expected, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await SendAsync(request, expected);
    }

    public async Task<JsonElement> PostJsonAsync(string path, object? body, HttpStatusCode expected = HttpStatusCode.Created, string? idempotencyKey = null) =>
        JsonSerializer.Deserialize<JsonElement>(await PostAsync(path, body, expected, idempotencyKey));

    public async Task<string> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, HttpStatusCode.OK);
    }

    public async Task<JsonElement> GetJsonAsync(string path) => JsonSerializer.Deserialize<JsonElement>(await GetAsync(path));

    private async Task<string> SendAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {text} (expected {(int)expected})");
        return text;
    }
}
