using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Webhooks;

public sealed class WebhookApiTests
{
    private const string Url = "https://receiver.example.com/hooks";

    private static async Task<JsonElement> CreateAsync(ApiSession admin, string orgId, object? body = null)
    {
        var created = await admin.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", body ?? new { url = Url, eventTypes = new[] { "order.*" }, description = "shop" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return await created.ReadAsync<JsonElement>();
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Crud_RoundTrip_SecretShownOnlyByCreateAndRotate(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        var created = await CreateAsync(owner, orgId);
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("we_", id);
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal((Url, "shop", true), (created.GetProperty("url").GetString(), created.GetProperty("description").GetString(), created.GetProperty("enabled").GetBoolean()));
        Assert.Equal(["order.*"], created.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));

        var one = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).ReadAsync<JsonElement>();
        Assert.Equal(id, one.GetProperty("id").GetString());
        Assert.False(one.TryGetProperty("secret", out _));
        var listed = Assert.Single((await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks")).ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray());
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret, await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks")).Content.ReadAsStringAsync());

        var patched = await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks/{id}", new { url = "https://other.example.com/h", eventTypes = new[] { "*" }, enabled = false });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var changed = await patched.ReadAsync<JsonElement>();
        Assert.Equal(("https://other.example.com/h", false, "shop"), (changed.GetProperty("url").GetString(), changed.GetProperty("enabled").GetBoolean(), changed.GetProperty("description").GetString()));
        Assert.Equal(["*"], changed.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));

        var rotated = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks/{id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.ReadAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", newSecret);
        Assert.NotEqual(secret, newSecret);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).StatusCode);
        await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.DeleteAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks")).ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("ftp://receiver.example.com/hooks")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("https://user:password@receiver.example.com/hooks")]
    [InlineData("https://receiver.example.com/hooks#fragment")]
    [InlineData(" https://receiver.example.com/hooks")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public async Task BadUrl_Is400NamingUrl_OnCreateAndUpdate(string url)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var id = (await CreateAsync(owner, orgId)).GetProperty("id").GetString()!;

        var created = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url });
        var patched = await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks/{id}", new { url });

        foreach (var response in new[] { created, patched })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), $"the problem names url: {problem}");
        }
        Assert.Equal(Url, (await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).ReadAsync<JsonElement>()).GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("""{"url":"https://r.example.com/h","eventTypes":["Order.Created"]}""", "eventTypes[0]")]
    [InlineData("""{"url":"https://r.example.com/h","eventTypes":["order.*.x"]}""", "eventTypes[0]")]
    [InlineData("""{"url":"https://r.example.com/h","eventTypes":["order.created","order.nonsense"]}""", "eventTypes[1]")]
    [InlineData("""{"url":"https://r.example.com/h","eventTypes":["invoice.*"]}""", "eventTypes[0]")]
    [InlineData("""{"url":"https://r.example.com/h","eventTypes":"order.created"}""", "eventTypes")]
    [InlineData("""{"url":"https://r.example.com/h","enabled":"yes"}""", "enabled")]
    [InlineData("""{"eventTypes":["*"]}""", "url")]
    public async Task BadCreateBody_Is400NamingTheField(string body, string field)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        var response = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks", ApiSamples.Json(body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem}");
    }

    [Fact]
    public async Task UnknownEventType_Is400ListingTheValidTypes_AndKnownTypesAndPrefixesAreAccepted()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        var refused = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url = Url, eventTypes = new[] { "order.nonsense" } });
        var accepted = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks",
            new { url = Url, eventTypes = new[] { "order.created", "order.delivered", "webhook.*", "webhook.test" } });

        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("eventTypes[0]")[0].GetString();
        Assert.Contains("\"order.nonsense\" matches no event", message, StringComparison.Ordinal);
        Assert.Contains("order.created, order.confirmed, order.packed, order.shipped, order.delivered, order.cancelled, webhook.test", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task PastTheLimit_Is409()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        for (var i = 0; i < 20; i++)
        {
            await CreateAsync(owner, orgId);
        }

        var response = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url = Url });

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(20, (await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks")).ReadAsync<JsonElement>()).GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Viewer_ReadsButCannotWrite_OtherOrganizationGets404(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var id = (await CreateAsync(owner, orgId)).GetProperty("id").GetString()!;
        var viewer = await factory.RegisterAndLoginAsync();
        await owner.AddMemberAsync(orgId, viewer, "viewer");
        var outsider = await factory.RegisterAndLoginAsync();
        var outsiderOrg = await outsider.CreateOrganizationAsync("Other");

        Assert.Equal(HttpStatusCode.OK, (await viewer.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}/deliveries")).StatusCode);
        await (await viewer.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url = Url })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await viewer.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks/{id}", new { enabled = false })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await viewer.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks/{id}/rotate-secret", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await viewer.Client.DeleteAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).AssertProblemAsync(HttpStatusCode.Forbidden);

        await (await outsider.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await outsider.Client.DeleteAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        // The outsider's own organization doesn't reach the endpoint either.
        await (await outsider.Client.GetAsync($"/api/v1/orgs/{outsiderOrg}/webhooks/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await outsider.Client.DeleteAsync($"/api/v1/orgs/{outsiderOrg}/webhooks/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var still = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).ReadAsync<JsonElement>();
        Assert.True(still.GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task TestEvent_StartsADelivery_ReadableAndRedeliverable(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var id = (await CreateAsync(owner, orgId, new { url = "https://receiver.invalid/hooks" })).GetProperty("id").GetString()!;

        var started = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks/{id}/test", null);

        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var deliveryId = (await started.ReadAsync<JsonElement>()).GetProperty("deliveryId").GetString()!;
        Assert.StartsWith("msg_evt_", deliveryId);
        Assert.EndsWith("_" + id, deliveryId);
        var delivery = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/deliveries/{deliveryId}")).ReadAsync<JsonElement>();
        Assert.Equal((deliveryId, id, "webhook.test"), (delivery.GetProperty("id").GetString(), delivery.GetProperty("endpointId").GetString(), delivery.GetProperty("eventType").GetString()));
        var redelivered = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks/deliveries/{deliveryId}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redelivered.StatusCode);
        Assert.Equal(deliveryId, (await redelivered.ReadAsync<JsonElement>()).GetProperty("deliveryId").GetString());

        await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/deliveries/msg_unknown")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks/deliveries/msg_unknown/redeliver", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks/we_unknown/test", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
