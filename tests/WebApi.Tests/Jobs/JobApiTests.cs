using System.Net;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Jobs;

/// <summary>Job counts and dead letters come from SQL: rows are written in the job grains' documented shape.</summary>
public sealed class JobApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Summary_CountsPerKindStatusAndOrganization(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgA = await owner.CreateOrganizationAsync("A");
        var orgB = await owner.CreateOrganizationAsync("B");
        var i = 0;
        foreach (var status in new[] { "Pending", "Pending", "Retrying", "Dead", "Succeeded", "Succeeded", "Succeeded" })
        {
            await factory.WriteDeliveryAsync(orgA, $"msg_{i}_we_1", "we_1", status, T0.AddSeconds(i++));
        }
        foreach (var status in new[] { "Succeeded", "Dead", "Dead" })
        {
            await factory.WriteEmailJobAsync(orgA, $"job-{i}", status, T0.AddSeconds(i++));
        }
        await factory.WriteDeliveryAsync(orgB, "msg_b_we_2", "we_2", "Dead", T0);

        var a = await GetAsync(owner, $"/api/v1/orgs/{orgA}/jobs");
        var b = await GetAsync(owner, $"/api/v1/orgs/{orgB}/jobs");

        Assert.Equal((2, 1, 3, 1), Counts(a.GetProperty("webhook")));
        Assert.Equal((0, 0, 1, 2), Counts(a.GetProperty("email")));
        Assert.Equal((0, 0, 0, 1), Counts(b.GetProperty("webhook")));
        Assert.Equal((0, 0, 0, 0), Counts(b.GetProperty("email")));
    }

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task DeadLists_NewestFirst_PerKind_Paged(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var otherOrg = await owner.CreateOrganizationAsync("Other");
        await factory.WriteDeliveryAsync(orgId, "msg_1_we_1", "we_1", "Dead", T0);
        await factory.WriteDeliveryAsync(orgId, "msg_2_we_1", "we_1", "Succeeded", T0.AddMinutes(1));
        await factory.WriteDeliveryAsync(orgId, "msg_3_we_2", "we_2", "Dead", T0.AddMinutes(2));
        await factory.WriteDeliveryAsync(otherOrg, "msg_4_we_3", "we_3", "Dead", T0.AddMinutes(3));
        await factory.WriteEmailJobAsync(orgId, "job-old", "Dead", T0);
        await factory.WriteEmailJobAsync(orgId, "job-new", "Dead", T0.AddMinutes(5));
        await factory.WriteEmailJobAsync(orgId, "job-sent", "Succeeded", T0.AddMinutes(6));

        var webhooks = await GetAsync(owner, $"/api/v1/orgs/{orgId}/jobs/dead?limit=1");
        Assert.Equal(["msg_3_we_2"], Ids(webhooks));
        var rest = await GetAsync(owner, $"/api/v1/orgs/{orgId}/jobs/dead?kind=webhook&limit=1&cursor={webhooks.GetProperty("nextCursor").GetString()}");
        Assert.Equal(["msg_1_we_1"], Ids(rest));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);

        var emails = await GetAsync(owner, $"/api/v1/orgs/{orgId}/jobs/dead?kind=email");
        Assert.Equal(["job-new", "job-old"], Ids(emails));
        var first = emails.GetProperty("items")[0];
        Assert.Equal(("dead", "webhookEndpointDisabled", "owner@example.com", "SMTP is not configured"), (first.GetProperty("status").GetString(),
            first.GetProperty("template").GetString(), first.GetProperty("to").GetString(), first.GetProperty("lastError").GetString()));
    }

    [Theory]
    [InlineData("?kind=sms", "kind")]
    [InlineData("?cursor=%%%", "cursor")]
    [InlineData("?limit=500", "limit")]
    public async Task BadDeadListQuery_Is400NamingTheParameter(string query, string field)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        var problem = await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/jobs/dead{query}")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem}");
    }

    [Theory]
    [InlineData("sms", "job-1")]
    [InlineData("webhook", "msg_nothing_we_1")]
    [InlineData("email", "job-nothing")]
    public async Task RetryOfAnUnknownJob_Is404(string kind, string id)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        await (await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/jobs/dead/{kind}/{id}/retry", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private static async Task<JsonElement> GetAsync(ApiSession session, string path)
    {
        var response = await session.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<JsonElement>();
    }

    private static (long, long, long, long) Counts(JsonElement counts) => (counts.GetProperty("pending").GetInt64(), counts.GetProperty("retrying").GetInt64(),
        counts.GetProperty("succeeded").GetInt64(), counts.GetProperty("dead").GetInt64());

    private static string[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetString()!)];
}
