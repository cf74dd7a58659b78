using System.Net;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.WebApi.Tests;

/// <summary>
/// Every <c>/api/v1/orgs/{org}/…</c> endpoint, walked with callers from another organization (404, never 403, and the
/// same answer as for an organization that doesn't exist) and with read-only callers of the organization (403 on
/// writes and admin endpoints, 2xx on reads), and with members and read-write keys (403 on admin endpoints). The walk is checked against the app's own routes, so a new org-scoped
/// endpoint without an entry here fails <see cref="Walk_CoversEveryOrgScopedRoute"/>.
/// </summary>
public sealed class TenantIsolationTests
{
    /// <summary>The least role an endpoint needs; a viewer (or a read-scoped API key) passes only <see cref="Viewer"/>.</summary>
    public enum Needs
    {
        Viewer,
        Member,
        Admin,
    }

    /// <summary>One endpoint: its route template as mapped, a valid body (so only the role decides), the role it needs.</summary>
    public sealed record Entry(string Method, string Template, string? Body, Needs Needs)
    {
        public string Route => $"{Method} {Template}";
    }

    /// <summary>
    /// Every org-scoped endpoint. Placeholders: {org}, {sku}, {id} (order, channel under /channels, webhook endpoint
    /// under /webhooks, delivery under /jobs), {userId}, {keyId}, {deliveryId}, {kind}.
    /// </summary>
    public static readonly Entry[] Walk =
    [
        new("GET", "/api/v1/orgs/{org}", null, Needs.Viewer),
        new("PATCH", "/api/v1/orgs/{org}/settings", """{"dailySummary":false}""", Needs.Admin),
        new("GET", "/api/v1/orgs/{org}/members", null, Needs.Viewer),
        new("POST", "/api/v1/orgs/{org}/members", """{"email":"someone@example.com","role":"member"}""", Needs.Admin),
        new("PATCH", "/api/v1/orgs/{org}/members/{userId}", """{"role":"admin"}""", Needs.Admin),
        new("DELETE", "/api/v1/orgs/{org}/members/{userId}", null, Needs.Admin), // another member's id: admin; your own: anyone
        new("POST", "/api/v1/orgs/{org}/api-keys", """{"name":"k","scopes":["read"]}""", Needs.Admin),
        new("GET", "/api/v1/orgs/{org}/api-keys", null, Needs.Admin),
        new("DELETE", "/api/v1/orgs/{org}/api-keys/{keyId}", null, Needs.Admin),
        new("GET", "/api/v1/orgs/{org}/inventory", null, Needs.Viewer),
        new("GET", "/api/v1/orgs/{org}/inventory/{sku}", null, Needs.Viewer),
        new("PUT", "/api/v1/orgs/{org}/inventory/{sku}", """{"onHand":99}""", Needs.Member),
        new("POST", "/api/v1/orgs/{org}/inventory/{sku}/adjust", """{"delta":5,"reason":"found"}""", Needs.Member),
        new("POST", "/api/v1/orgs/{org}/orders", ApiSamples.OrderJson, Needs.Member),
        new("GET", "/api/v1/orgs/{org}/orders", null, Needs.Viewer),
        new("GET", "/api/v1/orgs/{org}/orders/{id}", null, Needs.Viewer),
        new("POST", "/api/v1/orgs/{org}/orders/{id}/confirm", null, Needs.Member),
        new("POST", "/api/v1/orgs/{org}/orders/{id}/pack", null, Needs.Member),
        new("POST", "/api/v1/orgs/{org}/orders/{id}/ship", """{"trackingNumber":"TRK-1"}""", Needs.Member),
        new("POST", "/api/v1/orgs/{org}/orders/{id}/deliver", null, Needs.Member),
        new("POST", "/api/v1/orgs/{org}/orders/{id}/cancel", null, Needs.Member),
        new("GET", "/api/v1/orgs/{org}/stats", null, Needs.Viewer),
        new("POST", "/api/v1/orgs/{org}/channels", """{"kind":"generic","name":"Shop 2"}""", Needs.Admin),
        new("GET", "/api/v1/orgs/{org}/channels", null, Needs.Viewer),
        new("POST", "/api/v1/orgs/{org}/channels/{id}/rotate-secret", null, Needs.Admin),
        new("POST", "/api/v1/orgs/{org}/channels/{id}/disable", null, Needs.Admin),
        new("POST", "/api/v1/orgs/{org}/webhooks", """{"url":"https://receiver.example.com/h2"}""", Needs.Admin),
        new("GET", "/api/v1/orgs/{org}/webhooks", null, Needs.Viewer),
        new("GET", "/api/v1/orgs/{org}/webhooks/{id}", null, Needs.Viewer),
        new("PATCH", "/api/v1/orgs/{org}/webhooks/{id}", """{"enabled":false}""", Needs.Admin),
        new("DELETE", "/api/v1/orgs/{org}/webhooks/{id}", null, Needs.Admin),
        new("POST", "/api/v1/orgs/{org}/webhooks/{id}/rotate-secret", null, Needs.Admin),
        new("POST", "/api/v1/orgs/{org}/webhooks/{id}/test", null, Needs.Admin),
        new("GET", "/api/v1/orgs/{org}/webhooks/{id}/deliveries", null, Needs.Viewer),
        new("GET", "/api/v1/orgs/{org}/webhooks/deliveries/{deliveryId}", null, Needs.Viewer),
        new("POST", "/api/v1/orgs/{org}/webhooks/deliveries/{deliveryId}/redeliver", null, Needs.Admin),
        new("GET", "/api/v1/orgs/{org}/jobs", null, Needs.Viewer),
        new("GET", "/api/v1/orgs/{org}/jobs/dead", null, Needs.Viewer),
        new("POST", "/api/v1/orgs/{org}/jobs/dead/{kind}/{id}/retry", null, Needs.Admin),
    ];

    [Fact]
    public void Walk_CoversEveryOrgScopedRoute()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        var mapped = endpoints
            .Where(e => e.RoutePattern.RawText is { } raw && Normalize(raw).StartsWith("/api/v1/orgs/{org}", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet(StringComparer.Ordinal);
        var walked = Walk.Select(e => e.Route).ToHashSet(StringComparer.Ordinal);

        var missing = mapped.Except(walked).Order(StringComparer.Ordinal).ToList();
        var stale = walked.Except(mapped).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Org-scoped routes without an entry in TenantIsolationTests.Walk: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Walk entries that match no mapped route: " + string.Join(", ", stale));
        Assert.Equal(Walk.Length, walked.Count);
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task EveryOrgEndpoint_OtherOrgGets404_ViewerGets403OnWritesAnd2xxOnReads(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var ownerA = await factory.RegisterAndLoginAsync();
        var ownerB = await factory.RegisterAndLoginAsync();
        var viewer = await factory.RegisterAndLoginAsync();
        var member = await factory.RegisterAndLoginAsync();
        var orgA = await ownerA.CreateOrganizationAsync("A");
        var orgB = await ownerB.CreateOrganizationAsync("B");
        await ownerB.AddMemberAsync(orgB, viewer, "viewer");
        await ownerB.AddMemberAsync(orgB, member, "member");
        Assert.Equal(HttpStatusCode.OK, (await ownerB.Client.PutAsync($"/api/v1/orgs/{orgB}/inventory/{ApiSamples.Sku}", ApiSamples.Json("""{"onHand":10}"""))).StatusCode);
        var orderB = await ownerB.CreateOrderAsync(orgB);
        var (keyB, writeKeyB) = await ownerB.CreateApiKeyAsync(orgB, "read", "write");
        var (_, readKeyB) = await ownerB.CreateApiKeyAsync(orgB, "read");
        var (_, writeKeyA) = await ownerA.CreateApiKeyAsync(orgA, "read", "write");
        var channel = await ownerB.Client.PostAsync($"/api/v1/orgs/{orgB}/channels", ApiSamples.Json("""{"kind":"generic","name":"Shop"}"""));
        Assert.Equal(HttpStatusCode.Created, channel.StatusCode);
        var channelB = (await channel.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
        var webhook = await ownerB.Client.PostAsync($"/api/v1/orgs/{orgB}/webhooks", ApiSamples.Json("""{"url":"https://receiver.invalid/h"}"""));
        Assert.Equal(HttpStatusCode.Created, webhook.StatusCode);
        var webhookB = (await webhook.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
        var test = await ownerB.Client.PostAsync($"/api/v1/orgs/{orgB}/webhooks/{webhookB}/test", null);
        Assert.True(test.StatusCode == HttpStatusCode.Accepted, $"test event: {(int)test.StatusCode} {await test.Content.ReadAsStringAsync()}");
        var deliveryB = (await test.ReadAsync<JsonElement>()).GetProperty("deliveryId").GetString()!;
        var before = await SnapshotAsync(ownerB, orgB, orderB);

        var values = new Dictionary<string, string>
        {
            ["org"] = orgB,
            ["sku"] = ApiSamples.Sku,
            ["id"] = orderB,
            ["userId"] = ownerB.UserId,
            ["keyId"] = keyB,
            ["deliveryId"] = deliveryB,
            ["kind"] = "webhook",
        };
        var outsiders = new (string Who, HttpClient Client)[] { ("owner of another org", ownerA.Client), ("write API key of another org", factory.ClientWith(writeKeyA)) };
        var readers = new (string Who, HttpClient Client)[] { ("viewer", viewer.Client), ("read-scoped API key", factory.ClientWith(readKeyB)) };
        var members = new (string Who, HttpClient Client)[] { ("member", member.Client), ("read-write API key", factory.ClientWith(writeKeyB)) };

        foreach (var entry in Walk)
        {
            var these = new Dictionary<string, string>(values);
            if (entry.Template.Contains("/channels/", StringComparison.Ordinal))
            {
                these["id"] = channelB;
            }
            these["id"] = entry.Template.Contains("/webhooks/", StringComparison.Ordinal) ? webhookB
                : entry.Template.Contains("/jobs/", StringComparison.Ordinal) ? deliveryB : these["id"];
            var path = Fill(entry.Template, these);
            var nowhere = Fill(entry.Template, new Dictionary<string, string>(these) { ["org"] = Guid.NewGuid().ToString("N") });
            foreach (var (who, client) in outsiders)
            {
                var answer = await client.SendAsync(Request(entry, path));
                var problem = await answer.AssertProblemAsync(HttpStatusCode.NotFound);
                // The same answer as for an organization that doesn't exist: nothing tells the two apart.
                var unknown = await (await client.SendAsync(Request(entry, nowhere))).AssertProblemAsync(HttpStatusCode.NotFound);
                Assert.True(problem.GetProperty("title").GetString() == unknown.GetProperty("title").GetString(),
                    $"{entry.Route} as {who}: '{problem.GetProperty("title")}' for the real org, '{unknown.GetProperty("title")}' for an unknown one");
            }
            foreach (var (who, client) in readers)
            {
                var answer = await client.SendAsync(Request(entry, path));
                if (entry.Needs == Needs.Viewer)
                {
                    Assert.True(answer.StatusCode == HttpStatusCode.OK,
                        $"{entry.Route} as {who}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                }
                else
                {
                    var text = await answer.Content.ReadAsStringAsync();
                    Assert.True(answer.StatusCode == HttpStatusCode.Forbidden, $"{entry.Route} as {who}: {(int)answer.StatusCode} {text}");
                    await answer.AssertProblemAsync(HttpStatusCode.Forbidden);
                }
            }
            // Members may do what a member may, not more: every admin operation is 403 for them (what they may do is
            // not called here, so that the snapshot below stays the same).
            foreach (var (who, client) in entry.Needs == Needs.Admin ? members : [])
            {
                var answer = await client.SendAsync(Request(entry, path));
                Assert.True(answer.StatusCode == HttpStatusCode.Forbidden, $"{entry.Route} as {who}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }
        }

        // Nothing the walk was refused changed anything.
        Assert.Equal(before, await SnapshotAsync(ownerB, orgB, orderB));
    }

    private static async Task<string> SnapshotAsync(ApiSession owner, string org, string orderId)
    {
        async Task<string> Read(string path)
        {
            var response = await owner.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        var orgJson = await Read($"/api/v1/orgs/{org}");
        var members = JsonSerializer.Deserialize<JsonElement>(await Read($"/api/v1/orgs/{org}/members")).GetProperty("items")
            .EnumerateArray().Select(m => $"{m.GetProperty("userId")}:{m.GetProperty("role")}").Order(StringComparer.Ordinal);
        var keys = JsonSerializer.Deserialize<JsonElement>(await Read($"/api/v1/orgs/{org}/api-keys")).GetProperty("items")
            .EnumerateArray().Select(k => $"{k.GetProperty("id")}:{k.GetProperty("revokedAt")}").Order(StringComparer.Ordinal);
        var orders = JsonSerializer.Deserialize<JsonElement>(await Read($"/api/v1/orgs/{org}/orders")).GetProperty("items")
            .EnumerateArray().Select(o => $"{o.GetProperty("id")}:{o.GetProperty("status")}");
        return string.Join('\n',
            orgJson,
            string.Join(',', members),
            string.Join(',', keys),
            await Read($"/api/v1/orgs/{org}/inventory"),
            string.Join(',', orders),
            await Read($"/api/v1/orgs/{org}/orders/{orderId}"),
            await Read($"/api/v1/orgs/{org}/stats"),
            await Read($"/api/v1/orgs/{org}/channels"),
            await Read($"/api/v1/orgs/{org}/webhooks"));
    }

    private static HttpRequestMessage Request(Entry entry, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(entry.Method), path);
        if (entry.Body is not null)
        {
            request.Content = ApiSamples.Json(entry.Body);
        }
        if (entry.Template.EndsWith("/orders", StringComparison.Ordinal) && entry.Method == "POST")
        {
            request.Headers.Add("Idempotency-Key", "tenant-walk");
        }
        return request;
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var path = template;
        foreach (var (name, value) in values)
        {
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }
        Assert.DoesNotContain("{", path);
        return path;
    }

    private static string Normalize(string raw) => raw.Length > 1 ? raw.TrimEnd('/') : raw;
}
