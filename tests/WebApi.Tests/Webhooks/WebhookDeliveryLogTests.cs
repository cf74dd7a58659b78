using System.Net;
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
        const string endpoint = "we_log";
        await factory.WriteDeliveryAsync(orgId, "msg_a_we_log", endpoint, "Succeeded", T0, JobRowWriter.Attempt(1, T0, "Success", 200, "ok"));
        await factory.WriteDeliveryAsync(orgId, "msg_b_we_log", endpoint, "Retrying", T0.AddMinutes(1),
            JobRowWriter.Attempt(1, T0.AddMinutes(1), "Failed", 500, "boom"), JobRowWriter.Attempt(2, T0.AddMinutes(2), "Failed", null, null, "timeout"));
        await factory.WriteDeliveryAsync(orgId, "msg_c_we_log", endpoint, "Dead", T0.AddMinutes(2));
        await factory.WriteDeliveryAsync(orgId, "msg_d_we_other", "we_other", "Succeeded", T0.AddMinutes(3));
        await factory.WriteDeliveryAsync(otherOrg, "msg_e_we_log", endpoint, "Succeeded", T0.AddMinutes(4));

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
        Assert.Equal(["msg_e_we_log"], Ids(await ListAsync(owner, $"/api/v1/orgs/{otherOrg}/webhooks/{endpoint}/deliveries")));
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
