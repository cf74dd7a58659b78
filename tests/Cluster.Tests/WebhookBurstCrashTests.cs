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
/// Three silo processes take a burst of 1,000 orders through the HTTP API while a webhook endpoint listens for
/// order.created; the third silo is killed with SIGKILL a third of the way in. Every order must still be delivered,
/// signed, at least once, and no delivery job may be left pending, retrying or dead.
/// </summary>
public sealed class WebhookBurstCrashTests(ITestOutputHelper output)
{
    private const int Orders = 1000;
    private const int Concurrency = 32;
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
    public async Task SiloKilledInABurstOfAThousandDeliveries_EveryOrderIsDeliveredAtLeastOnce_AndNoneIsStuck()
    {
        await using var receiver = await OrderWebhookReceiver.StartAsync();
        await using var cluster = await ApiSiloCluster.StartAsync(3, Settings);
        try
        {
            await RunAsync(cluster, receiver);
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
    }

    private async Task RunAsync(ApiSiloCluster cluster, OrderWebhookReceiver receiver)
    {
        using var silo1 = Client(cluster.Silos[0]);
        using var silo2 = Client(cluster.Silos[1]);
        var token = await RegisterAndLoginAsync(silo1, cluster);
        var slug = "burst-" + cluster.RunId;
        var orgId = await PostForIdAsync(silo1, token, "/api/v1/orgs", new { name = "Burst Co", slug });
        cluster.Forget(orgId);
        cluster.Forget(slug);
        var endpoint = await PostAsync(silo1, token, $"/api/v1/orgs/{orgId}/webhooks", new { url = receiver.Url, eventTypes = new[] { "order.created" } });
        receiver.Secret = endpoint.GetProperty("secret").GetString();

        var burst = new OrderBurst([silo1, silo2], token, orgId, cluster.RunId);
        var third = burst.WhenAcknowledged(Orders / 3);
        var started = Stopwatch.GetTimestamp();
        var creating = burst.RunAsync(Orders, Concurrency, i => cluster.Silos[i].Name);
        if (await Task.WhenAny(third, creating) == creating)
        {
            await creating; // Failed before a third was acknowledged: throws why.
        }

        var victim = cluster.Silos[2];
        var acknowledgedAtKill = burst.Acknowledged;
        var killedAt = Stopwatch.GetTimestamp();
        await victim.KillAsync();
        output.WriteLine($"burst: {Orders} orders, concurrency {Concurrency}, over {cluster.Silos[0].Name} and {cluster.Silos[1].Name}; {victim.Name} killed (SIGKILL) " +
            $"with {acknowledgedAtKill} acknowledged, {Seconds(Stopwatch.GetElapsedTime(started, killedAt))} s into the burst");
        var declaredDead = cluster.WaitForDeadAsync(victim.Name, TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsCompletedSuccessfully ? Since(killedAt) : (TimeSpan?)null, TaskScheduler.Default);

        string[] ids;
        try
        {
            ids = await creating;
        }
        finally
        {
            output.WriteLine($"create attempts that failed and were retried: {burst.Failures.Count}");
            foreach (var kind in burst.Failures.GroupBy(f => f.Length > 90 ? f[..90] : f).OrderByDescending(g => g.Count()).Take(5))
            {
                output.WriteLine($"  {kind.Count()} x {kind.Key}");
            }
        }
        output.WriteLine($"kill -> all {Orders} acknowledged: {Seconds(Since(killedAt))} s");
        var acknowledged = ids.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Orders, acknowledged.Count);
        Assert.True(acknowledgedAtKill < Orders, $"All {Orders} orders were acknowledged before the kill; the kill was not in the middle of the burst.");

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
        Assert.Equal(Orders, await ApiSiloCluster.CountStoredOrdersAsync(orgId));
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

    private static HttpClient Client(SiloProcess silo) => new() { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<string> RegisterAndLoginAsync(HttpClient client, ApiSiloCluster cluster)
    {
        var email = $"burst-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery";
        var registered = await client.PostAsJsonAsync("/auth/register", new { email, password, name = "Burst Tester" });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, $"register: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        cluster.Forget((await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        cluster.Forget(email);
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
