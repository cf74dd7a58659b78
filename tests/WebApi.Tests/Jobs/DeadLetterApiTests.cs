using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Jobs;

/// <summary>
/// Webhook jobs end to end through the API and a real receiver: an order event retried on a short schedule until it is
/// dead-lettered, listed, then redelivered by hand; and the "send test event" call.
/// </summary>
public sealed class DeadLetterApiTests : IAsyncLifetime
{
    /// <summary>Loopback targets allowed; three attempts one second apart, then dead.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Granary:Webhooks:AllowedTargets:0"] = "127.0.0.1/32",
        ["Granary:Webhooks:RetryDelays:0"] = "00:00:01",
        ["Granary:Webhooks:RetryDelays:1"] = "00:00:01",
    };

    private SignedWebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await SignedWebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData(ApiStorage.Sqlite)]
    [InlineData(ApiStorage.Postgres)]
    public async Task FailingEndpoint_IsDeadAfterItsSchedule_ListedAsDead_ThenARetryDeliversIt(ApiStorage storage)
    {
        using var factory = new ApiFactory(storage, Settings);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var endpointId = await CreateEndpointAsync(owner, orgId, "order.created");
        _receiver.Status = 500;

        var orderId = await owner.CreateOrderAsync(orgId);

        var summary = await WaitForSummaryAsync(owner, orgId, "the delivery dead-lettered", s => Counts(s, "webhook").Dead == 1);
        Assert.Equal((0, 0, 0, 1), Counts(summary, "webhook"));
        var attempts = await _receiver.WaitForRequestsAsync(3, "three failed attempts");
        Assert.Equal(3, attempts.Count);
        var deliveryId = attempts[0].WebhookId;
        Assert.All(attempts, a => Assert.Equal((deliveryId, true, 500), (a.WebhookId, a.SignatureValid, a.AnsweredStatus)));
        Assert.All(attempts, a => Assert.Equal(attempts[0].Body, a.Body));
        using (var body = JsonDocument.Parse(attempts[0].Body))
        {
            Assert.Equal("order.created", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(orderId, body.RootElement.GetProperty("data").GetProperty("order").GetProperty("id").GetString());
        }

        var dead = await GetJsonAsync(owner, $"/api/v1/orgs/{orgId}/jobs/dead?kind=webhook");
        var item = Assert.Single(dead.GetProperty("items").EnumerateArray());
        Assert.Equal((deliveryId, endpointId, "order.created", "dead", 3), (item.GetProperty("id").GetString(), item.GetProperty("endpointId").GetString(),
            item.GetProperty("eventType").GetString(), item.GetProperty("status").GetString(), item.GetProperty("attemptCount").GetInt32()));
        Assert.Equal([500, 500, 500], item.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));

        _receiver.Status = 200;
        var retried = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/jobs/dead/webhook/{deliveryId}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var accepted = await retried.ReadAsync<JsonElement>();
        Assert.Equal(("webhook", deliveryId, "succeeded"), (accepted.GetProperty("kind").GetString(), accepted.GetProperty("id").GetString(), accepted.GetProperty("status").GetString()));

        var all = await _receiver.WaitForRequestsAsync(4, "the redelivery");
        Assert.Equal((deliveryId, true, 200, attempts[0].Body), (all[3].WebhookId, all[3].SignatureValid, all[3].AnsweredStatus, all[3].Body));
        summary = await WaitForSummaryAsync(owner, orgId, "the redelivered job counted as succeeded", s => Counts(s, "webhook").Succeeded == 1);
        Assert.Equal((0, 0, 1, 0), Counts(summary, "webhook"));
        Assert.Empty((await GetJsonAsync(owner, $"/api/v1/orgs/{orgId}/jobs/dead?kind=webhook")).GetProperty("items").EnumerateArray());
        Assert.Equal(4, _receiver.Requests.Count);
    }

    [Fact]
    public async Task TestEvent_IsDeliveredSigned_AsWebhookTest()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite, Settings);
        var owner = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        var endpointId = await CreateEndpointAsync(owner, orgId, "order.created");

        var sent = await owner.Client.PostAsync($"/api/v1/orgs/{orgId}/webhooks/{endpointId}/test", null);

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var accepted = await sent.ReadAsync<JsonElement>();
        var deliveryId = accepted.GetProperty("deliveryId").GetString()!;
        Assert.Equal("succeeded", accepted.GetProperty("status").GetString());
        var request = Assert.Single(await _receiver.WaitForRequestsAsync(1, "the test event"));
        Assert.Equal((deliveryId, true), (request.WebhookId, request.SignatureValid));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("webhook.test", body.RootElement.GetProperty("type").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal((orgId, endpointId), (data.GetProperty("organizationId").GetString(), data.GetProperty("endpointId").GetString()));
    }

    /// <summary>Creates an endpoint to the receiver for <paramref name="eventType"/> and hands the receiver its secret.</summary>
    private async Task<string> CreateEndpointAsync(ApiSession owner, string orgId, string eventType)
    {
        var created = await owner.Client.PostAsJsonAsync($"/api/v1/orgs/{orgId}/webhooks", new { url = _receiver.Url, eventTypes = new[] { eventType } });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"create endpoint: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        var endpoint = await created.ReadAsync<JsonElement>();
        _receiver.Secret = endpoint.GetProperty("secret").GetString();
        return endpoint.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> WaitForSummaryAsync(ApiSession owner, string orgId, string what, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var summary = await GetJsonAsync(owner, $"/api/v1/orgs/{orgId}/jobs");
            if (done(summary))
            {
                return summary;
            }
            Assert.True(DateTime.UtcNow < deadline, $"GET …/jobs did not show {what} within 20 s; last: {summary}");
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> GetJsonAsync(ApiSession owner, string path)
    {
        var response = await owner.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<JsonElement>();
    }

    private static (long Pending, long Retrying, long Succeeded, long Dead) Counts(JsonElement summary, string kind)
    {
        var counts = summary.GetProperty(kind);
        return (counts.GetProperty("pending").GetInt64(), counts.GetProperty("retrying").GetInt64(),
            counts.GetProperty("succeeded").GetInt64(), counts.GetProperty("dead").GetInt64());
    }
}
