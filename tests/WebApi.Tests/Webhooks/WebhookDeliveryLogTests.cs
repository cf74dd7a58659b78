using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Webhooks;

/// <summary>The delivery log is read from SQL: rows are written in the delivery grain's documented shape.</summary>
public sealed class WebhookDeliveryLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task Deliveries_NewestFirst_WithAttempts_FilteredAndPaged(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var otherOrg = await owner.CreateOrganizationAsync("Other");
        var endpoint = await CreateEndpointAsync(owner, orgId);
        var otherEndpoint = await CreateEndpointAsync(owner, orgId);
        var otherOrgsEndpoint = await CreateEndpointAsync(owner, otherOrg);
        await factory.WriteDeliveryAsync(orgId, "msg_a_we_log", endpoint, "Succeeded", T0, JobRowWriter.Attempt(1, T0, "Success", 200, "ok"));
        await factory.WriteDeliveryAsync(orgId, "msg_b_we_log", endpoint, "Retrying", T0.AddMinutes(1),
            JobRowWriter.Attempt(1, T0.AddMinutes(1), "Failed", 500, "boom"), JobRowWriter.Attempt(2, T0.AddMinutes(2), "Failed", null, null, "timeout"));
        await factory.WriteDeliveryAsync(orgId, "msg_c_we_log", endpoint, "Dead", T0.AddMinutes(2));
        await factory.WriteDeliveryAsync(orgId, "msg_d_we_other", otherEndpoint, "Succeeded", T0.AddMinutes(3));
        await factory.WriteDeliveryAsync(otherOrg, "msg_e_we_log", otherOrgsEndpoint, "Succeeded", T0.AddMinutes(4));

        var first = await ListAsync(owner, $"/api/v1/orgs/{orgId}/webhooks/{endpoint}/deliveries?limit=2");
        Assert.Equal(["msg_c_we_log", "msg_b_we_log"], Ids(first));
        var retrying = first.GetProperty("items")[1];
        Assert.Equal(("retrying", 2, endpoint, "order.created"), (retrying.GetProperty("status").GetString(), retrying.GetProperty("attemptCount").GetInt32(),
            retrying.GetProperty("endpointId").GetString(), retrying.GetProperty("eventType").GetString()));
        var attempts = retrying.GetProperty("attempts");
        Assert.Equal((1, "failed", 500, "boom"), (attempts[0].GetProperty("number").GetInt32(), attempts[0].GetProperty("outcome").GetString(),
            attempts[0].GetProperty("statusCode").GetInt32(), attempts[0].GetProperty("responseBody").GetString()));
        Assert.Equal("timeout", attempts[1].GetProperty("error").GetString());
        Assert.False(retrying.TryGetProperty("payload", out _));

        var second = await ListAsync(owner, $"/api/v1/orgs/{orgId}/webhooks/{endpoint}/deliveries?limit=2&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal(["msg_a_we_log"], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        Assert.Equal(["msg_c_we_log"], Ids(await ListAsync(owner, $"/api/v1/orgs/{orgId}/webhooks/{endpoint}/deliveries?status=dead")));
        Assert.Equal(["msg_e_we_log"], Ids(await ListAsync(owner, $"/api/v1/orgs/{otherOrg}/webhooks/{otherOrgsEndpoint}/deliveries")));
    }

    [Fact]
    public async Task Deliveries_OfAnEndpointThatIsNotTheOrganizations_Are404_LikeTheEndpoint()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var otherOrg = await owner.CreateOrganizationAsync("Other");
        var otherOrgsEndpoint = await CreateEndpointAsync(owner, otherOrg);
        var deleted = await CreateEndpointAsync(owner, orgId);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/orgs/{orgId}/webhooks/{deleted}")).StatusCode);

        foreach (var id in new[] { otherOrgsEndpoint, deleted, "we_neverexisted" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}")).StatusCode);
            await (await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/{id}/deliveries")).AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    private static async Task<string> CreateEndpointAsync(ApiSession owner, string orgId)
    {
        var created = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url = "https://receiver.example.com/hooks" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Theory]
    [InlineData("?status=lost", "status")]
    [InlineData("?status=3", "status")]
    [InlineData("?cursor=%%%", "cursor")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=201", "limit")]
    public async Task BadQuery_Is400NamingTheParameter(string query, string field)
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();

        var response = await owner.Client.GetAsync($"/api/v1/orgs/{orgId}/webhooks/we_x/deliveries{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem}");
    }

    private static async Task<JsonElement> ListAsync(ApiSession session, string path)
    {
        var response = await session.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<JsonElement>();
    }

    private static string[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetString()!)];
}
