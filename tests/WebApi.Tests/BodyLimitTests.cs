using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests;

/// <summary>
/// The 1 MB request body limit is Kestrel's, which the in-memory test server doesn't apply: this walks every write
/// endpoint that reads a body on the silo executable itself and expects 413 problem details, never 500.
/// </summary>
public sealed class BodyLimitTests
{
    [Fact]
    public async Task EveryBodyEndpoint_OnKestrel_BodyOverOneMegabyte_Is413Problem()
    {
        await using var silo = SiloProcess.Start("body-limit", new Dictionary<string, string>
        {
            ["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        // The client waits for the silo's answer to Expect: 100-continue before it sends a body: the silo answers 413
        // from Content-Length alone and closes the connection, so a client that started uploading (HttpClient's default
        // wait is 1 s, which a busy machine exceeds) would see a broken pipe instead of the answer.
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = silo.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var email = ApiSteps.UniqueEmail();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/auth/register", new { email, password = ApiSteps.Password, name = "Big" })).StatusCode);
        var tokens = await (await http.PostAsJsonAsync("/auth/login", new { email, password = ApiSteps.Password })).ReadAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        var org = await (await http.PostAsJsonAsync("/api/v1/orgs", new { name = "Big", slug = ApiSteps.UniqueSlug() })).ReadAsync<JsonElement>();
        var orgId = org.GetProperty("id").GetString()!;
        var user = (await (await http.GetAsync("/auth/me")).ReadAsync<JsonElement>()).GetProperty("id").GetString()!;

        var writes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/auth/register"),
            (HttpMethod.Post, "/auth/login"),
            (HttpMethod.Post, "/auth/refresh"),
            (HttpMethod.Post, "/auth/logout"),
            (HttpMethod.Post, "/api/v1/orgs"),
            (HttpMethod.Patch, $"/api/v1/orgs/{orgId}/settings"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/members"),
            (HttpMethod.Patch, $"/api/v1/orgs/{orgId}/members/{user}"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/api-keys"),
            (HttpMethod.Put, $"/api/v1/orgs/{orgId}/inventory/SKU-1"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/inventory/SKU-1/adjust"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders"),
            (HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders/{Guid.NewGuid():N}/ship"),
        };
        var huge = "{\"name\": \"" + new string('x', 1_100_000) + "\"}";
        foreach (var (method, path) in writes)
        {
            var request = new HttpRequestMessage(method, path) { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            request.Headers.ExpectContinue = true;
            var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{method} {path}: {(int)response.StatusCode} {ApiSamples.Shorten(text)}");
            await response.Assert4xxProblemAsync($"{method} {path}");
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/v1/orgs/{orgId}")).StatusCode);
    }
}
