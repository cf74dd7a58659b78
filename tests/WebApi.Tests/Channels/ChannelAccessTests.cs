using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Channels;

public sealed class ChannelAccessTests
{
    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task OtherOrganizationGets404_ViewerGets403OnWrites(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var created = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/channels", new { kind = "generic", name = "Shop" });
        var channelId = (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;

        var outsider = await factory.RegisterAndLoginAsync();
        var outsiderOrg = await outsider.CreateOrganizationAsync("Other");
        var viewer = await factory.RegisterAndLoginAsync();
        await owner.AddMemberAsync(orgId, viewer, "viewer");

        foreach (var (method, path) in Endpoints(orgId, channelId))
        {
            await (await Send(outsider.Client, method, path)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        // The outsider's own organization doesn't reach another organization's channel either.
        await (await outsider.Client.PostAsync($"/api/v1/orgs/{outsiderOrg}/channels/{channelId}/rotate-secret", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await outsider.Client.PostAsync($"/api/v1/orgs/{outsiderOrg}/channels/{channelId}/disable", null)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, (await viewer.Client.GetAsync($"/api/v1/orgs/{orgId}/channels")).StatusCode);
        foreach (var (method, path) in Endpoints(orgId, channelId).Where(e => e.Method == HttpMethod.Post))
        {
            await (await Send(viewer.Client, method, path)).AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        var list = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/channels")).ReadAsync<JsonElement>();
        Assert.True(Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task UnknownChannelId_Is404()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        await (await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/channels/ch_nope/disable", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/channels/not-a-channel/rotate-secret", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"kind\":\"generic\"}", "name")]
    [InlineData("{\"kind\":\"shopify\",\"name\":\"Shop\"}", "kind")]
    [InlineData("{\"kind\":7,\"name\":\"Shop\"}", "kind")]
    [InlineData("{\"kind\":\"generic\",\"name\":\"Shop\",\"extra\":1}", null)]
    [InlineData("{\"kind\":\"generic\",", null)]
    [InlineData("[]", null)]
    public async Task CreateWithBadInput_Is400Problem(string json, string? field)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        var response = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/channels", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem}");
        }
    }

    [Fact]
    public async Task HugeInboundBody_Is413Problem()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var content = new ByteArrayContent(new byte[1024 * 1024 + 1]);
        content.Headers.ContentType = new("application/json");

        var response = await factory.CreateClient().PostAsync("/hooks/channels/ch_any", content);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    private static (HttpMethod Method, string Path)[] Endpoints(string orgId, string channelId) =>
    [
        (HttpMethod.Get, $"/api/v1/orgs/{orgId}/channels"),
        (HttpMethod.Post, $"/api/v1/orgs/{orgId}/channels"),
        (HttpMethod.Post, $"/api/v1/orgs/{orgId}/channels/{channelId}/rotate-secret"),
        (HttpMethod.Post, $"/api/v1/orgs/{orgId}/channels/{channelId}/disable"),
    ];

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new { kind = "generic", name = "Shop" });
        }
        return client.SendAsync(request);
    }
}
