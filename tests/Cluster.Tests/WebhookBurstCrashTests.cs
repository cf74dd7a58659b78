using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Granary.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Granary.Cluster.Tests;

/// <summary>
/// Three silo processes on src/Hosting's default membership timings, as production runs, take a burst of 1,000 orders
/// through the HTTP API while a webhook endpoint listens for order.created; the third silo (it serves no HTTP, but hosts
/// about a third of the grains) is killed with SIGKILL a third of the way in. Every acknowledged order must be stored,
/// every order's event delivered, signed, at least once, no delivery job left pending, retrying or dead, and calls must
/// succeed again within 10 s of the kill.
/// </summary>
public sealed class WebhookBurstCrashTests(ITestOutputHelper output)
{
    private const int Orders = 1000;
    private const int Concurrency = 32;
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(60);

    /// <summary>Outbox hand-over retried every 2 s; webhooks to loopback allowed, retried after 1, 2 and 5 s.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Granary:Events:OutboxRetry"] = "00:00:02",
        ["Granary:Webhooks:AllowedTargets:0"] = "127.0.0.1/32",
        ["Granary:Webhooks:RetryDelays:0"] = "00:00:01",
        ["Granary:Webhooks:RetryDelays:1"] = "00:00:02",
        ["Granary:Webhooks:RetryDelays:2"] = "00:00:05",
    };

    [Fact]
    public async Task SiloKilledUnderOrderAndWebhookLoad_EveryAcknowledgedOrderIsStoredAndDelivered_AndCallsSucceedAgainWithinTenSeconds()
    {
        await using var receiver = await OrderWebhookReceiver.StartAsync();
        string? organizationId = null;
        try
        {
            await using var cluster = await SiloCluster.StartAsync(3, DetectionTimings.Defaults, Settings, withTestSilo: false);
            try
            {
                await RunAsync(cluster, receiver, id => organizationId = id);
            }
            catch
            {
                output.WriteLine(cluster.Diagnostics());
                throw;
            }
        }
        finally
        {
            // Once the silos are gone: a live grain writes its list row again when it activates.
            if (organizationId is not null)
            {
                await ReadModelRows.DeleteOrganizationAsync(organizationId);
            }
        }
    }

    private async Task RunAsync(SiloCluster cluster, OrderWebhookReceiver receiver, Action<string> created)
    {
        using var silo1 = cluster.Started[0].CreateClient();
        using var silo2 = cluster.Started[1].CreateClient();
        var token = await RegisterAndLoginAsync(silo1);
        var orgId = await PostForIdAsync(silo1, token, "/api/v1/orgs", new { name = "Burst Co", slug = "burst-" + cluster.RunId });
        created(orgId);
        var endpoint = await PostAsync(silo1, token, $"/api/v1/orgs/{orgId}/webhooks", new { url = receiver.Url, eventTypes = new[] { "order.created" } });
        receiver.Secret = endpoint.GetProperty("secret").GetString();

        var burst = new OrderBurst([silo1, silo2], token, orgId, cluster.RunId);
        var third = burst.WhenAcknowledged(Orders / 3);
        var started = Stopwatch.GetTimestamp();
        var creating = burst.RunAsync(Orders, Concurrency, i => cluster.Started[i].Name);
        if (await Task.WhenAny(third, creating) == creating)
        {
            await creating; // Failed before a third was acknowledged: throws why.
        }

        var victim = cluster.Started[2];
        var acknowledgedAtKill = burst.Acknowledged;
        var killedAt = Stopwatch.GetTimestamp();
        await victim.KillAsync();
        output.WriteLine($"burst: {Orders} orders, concurrency {Concurrency}, over {cluster.Started[0].Name} and {cluster.Started[1].Name}; {victim.Name} killed (SIGKILL) " +
            $"with {acknowledgedAtKill} acknowledged, {Seconds(Stopwatch.GetElapsedTime(started, killedAt))} s into the burst");
        var declaredDead = cluster.WaitForStatusAsync(victim.Name, "Dead", TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsCompletedSuccessfully ? Since(killedAt) : (TimeSpan?)null, TaskScheduler.Default);

        string[] ids;
        try
        {
            ids = await creating;
        }
        finally
        {
            output.WriteLine($"create attempts that failed and were retried: {burst.Failures.Count}");
            foreach (var kind in burst.Failures.GroupBy(f => f.Description.Length > 90 ? f.Description[..90] : f.Description).OrderByDescending(g => g.Count()).Take(5))
            {
                output.WriteLine($"  {kind.Count()} x {kind.Key}, ended {Seconds(Stopwatch.GetElapsedTime(killedAt, kind.Min(f => f.Ended)))}..{Seconds(Stopwatch.GetElapsedTime(killedAt, kind.Max(f => f.Ended)))} s after the kill");
            }
        }
        output.WriteLine($"kill -> all {Orders} acknowledged: {Seconds(Since(killedAt))} s");
        // Once the cluster has recovered every attempt succeeds: the last failure marks when calls succeed again.
        var recovered = burst.Failures.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(killedAt, burst.Failures.Max(f => f.Ended));
        output.WriteLine($"kill -> last failed attempt (calls succeed again): {Seconds(recovered)} s");
        var acknowledged = ids.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Orders, acknowledged.Count);
        Assert.True(acknowledgedAtKill < Orders, $"All {Orders} orders were acknowledged before the kill; the kill was not in the middle of the burst.");
        Assert.True(burst.Failures.All(f => f.Ended >= killedAt), $"Attempts failed before the kill: {string.Join(" | ", burst.Failures.Where(f => f.Ended < killedAt).Take(3).Select(f => f.Description))}");
        Assert.True(recovered <= RecoveryLimit, $"An order attempt still failed {Seconds(recovered)} s after the kill; the limit is {RecoveryLimit.TotalSeconds} s.");

        try
        {
            output.WriteLine($"kill -> all {Orders} delivered: {Seconds(await WaitForDeliveriesAsync(receiver, acknowledged, killedAt))} s");
        }
        finally
        {
            output.WriteLine($"kill -> declared dead: {(await declaredDead is { } dead ? Seconds(dead) : "not seen")} s");
            output.WriteLine($"receiver: {receiver.Requests} requests, {receiver.DistinctWebhooks} distinct webhook-ids, {receiver.Requests - receiver.DistinctWebhooks} duplicate deliveries, " +
                $"{receiver.OrdersWithSeveralWebhooks().Count} orders under several webhook-ids, {receiver.Invalid.Count} invalid signatures");
        }
        var (summary, settled) = await WaitForSettledJobsAsync(silo1, token, orgId, killedAt);
        output.WriteLine($"kill -> jobs settled: {Seconds(settled)} s ({summary})");

        var invalid = receiver.Invalid;
        var expectedKeys = acknowledged.Select(id => $"{orgId}/{id}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedKeys, (await StoredState.KeysAsync(cluster.RunId, "order")).Order(StringComparer.Ordinal));
        Assert.Equal(expectedKeys, (await ReadModelRows.OrderKeysAsync(orgId)).Order(StringComparer.Ordinal));
        Assert.True(invalid.Count == 0, $"{invalid.Count} requests failed signature verification; the first: {invalid.First}");
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), receiver.Orders.Order(StringComparer.Ordinal));
        var webhook = summary.GetProperty("webhook");
        Assert.True(webhook.GetProperty("succeeded").GetInt64() >= Orders, $"fewer than {Orders} deliveries succeeded: {summary}");
    }

    /// <summary>Waits until the receiver has an order.created delivery for every acknowledged order; returns the time since the kill.</summary>
    private static async Task<TimeSpan> WaitForDeliveriesAsync(OrderWebhookReceiver receiver, HashSet<string> acknowledged, long killedAt)
    {
        var deadline = DateTime.UtcNow + DeliveryDeadline;
        while (true)
        {
            var missing = acknowledged.Except(receiver.Orders).ToList();
            if (missing.Count == 0)
            {
                return Since(killedAt);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{missing.Count} of {acknowledged.Count} acknowledged orders had no order.created delivery within {DeliveryDeadline} " +
                    $"({receiver.Requests} requests received); e.g. {string.Join(", ", missing.Take(5))}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Polls GET …/jobs until webhook jobs are all succeeded (none pending, retrying or dead, at least one per order).</summary>
    private static async Task<(JsonElement Summary, TimeSpan Since)> WaitForSettledJobsAsync(HttpClient client, string token, string orgId, long killedAt)
    {
        var deadline = DateTime.UtcNow + SettleDeadline;
        while (true)
        {
            var summary = await GetAsync(client, token, $"/api/v1/orgs/{orgId}/jobs");
            var webhook = summary.GetProperty("webhook");
            if (webhook.GetProperty("pending").GetInt64() == 0 && webhook.GetProperty("retrying").GetInt64() == 0
                && webhook.GetProperty("dead").GetInt64() == 0 && webhook.GetProperty("succeeded").GetInt64() >= Orders)
            {
                return (summary, Since(killedAt));
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Webhook jobs did not settle (pending = retrying = dead = 0, succeeded >= {Orders}) within {SettleDeadline}; last summary: {summary}");
            }
            await Task.Delay(250);
        }
    }

    private static async Task<string> RegisterAndLoginAsync(HttpClient client)
    {
        var email = $"burst-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery";
        var registered = await client.PostAsJsonAsync("/auth/register", new { email, password, name = "Burst Tester" });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, $"register: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        var login = await client.PostAsJsonAsync("/auth/login", new { email, password });
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"login: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<string> PostForIdAsync(HttpClient client, string token, string path, object body) =>
        (await PostAsync(client, token, path, body)).GetProperty("id").GetString()!;

    private static async Task<JsonElement> PostAsync(HttpClient client, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    private static TimeSpan Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
