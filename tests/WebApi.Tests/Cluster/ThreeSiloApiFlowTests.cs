using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Granary.WebApi.Tests.Infrastructure;
using StackExchange.Redis;

namespace Granary.WebApi.Tests.Cluster;

/// <summary>
/// The main API flow against three real silo processes (src/Silo) forming one cluster through Redis membership, with
/// grain state in PostgreSQL and reminders in Redis. Each request goes to the next silo in turn, so every step reads
/// what another silo wrote: a token issued by one silo is accepted by the others, and grains are found wherever they live.
/// </summary>
public sealed class ThreeSiloApiFlowTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static readonly string Redis = Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") ?? "127.0.0.1:56379";

    private readonly string _runId = "wt" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
    private const string OperatorPassword = "operator-password-for-tests";

    private readonly List<SiloProcess> _silos = [];
    private readonly List<HttpClient> _clients = [];
    private int _next;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task MainFlow_RoundRobinOverThreeSilos_SeesOneConsistentState()
    {
        var settings = new Dictionary<string, string>
        {
            // Orleans keys membership and reminders in Redis by service ("{ServiceId}/members/…", "{ServiceId}/reminders").
            ["Granary__ServiceId"] = _runId,
            ["Granary__ClusterId"] = _runId,
            ["Granary__Cluster__Membership__Provider"] = "Redis",
            ["Granary__Cluster__Membership__Redis__Configuration"] = Redis,
            ["Granary__Cluster__ListenAddress"] = "127.0.0.1",
            ["Granary__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Granary__Storage__Provider"] = "Postgres",
            ["Granary__Storage__Postgres__ConnectionString"] = TestDatabase.PostgresConnectionString + ";Maximum Pool Size=30",
            ["Granary__Reminders__Provider"] = "Redis",
            ["Granary__Reminders__Redis__Configuration"] = Redis,
            ["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            // The operator credential: each silo's view of the cluster is a readiness detail for the operator.
            ["Granary__Dashboard__Username"] = "operator",
            ["Granary__Dashboard__Password"] = OperatorPassword,
        };
        for (var i = 1; i <= 3; i++)
        {
            // Each silo gets a free silo port of its own from SiloProcess.
            _silos.Add(SiloProcess.Start($"{_runId}-silo-{i}", new Dictionary<string, string>(settings)));
        }
        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(StartTimeout)));
        await WaitForViewOfThreeAsync();
        _clients.AddRange(_silos.Select(s => s.CreateClient()));

        var email = ApiSteps.UniqueEmail("cluster");
        var registered = await Send(HttpMethod.Post, "/auth/register", new { email, password = ApiSteps.Password, name = "Cluster User" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var login = await Send(HttpMethod.Post, "/auth/login", new { email, password = ApiSteps.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.ReadAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        var org = await Send(HttpMethod.Post, "/api/v1/orgs", new { name = "Cluster Co", slug = ApiSteps.UniqueSlug() }, token);
        Assert.Equal(HttpStatusCode.Created, org.StatusCode);
        var orgId = (await org.ReadAsync<JsonElement>()).GetProperty("id").GetString()!;

        var stock = await Send(HttpMethod.Put, $"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 10 }, token);
        Assert.Equal(HttpStatusCode.OK, stock.StatusCode);

        var key = Guid.NewGuid().ToString("N");
        var created = await Send(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders", ApiSamples.OrderJson, token, key);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = await created.Content.ReadAsStringAsync();
        var orderId = JsonSerializer.Deserialize<JsonElement>(first).GetProperty("id").GetString()!;
        // The retry lands on another silo and still gets the first answer.
        var retried = await Send(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders", ApiSamples.OrderJson, token, key);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(first, await retried.Content.ReadAsStringAsync());

        var confirmed = await Send(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders/{orderId}/confirm", null, token);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        // Every silo now reads the same order, stock, list and membership.
        foreach (var _ in _clients)
        {
            var order = await (await Send(HttpMethod.Get, $"/api/v1/orgs/{orgId}/orders/{orderId}", null, token)).ReadAsync<JsonElement>();
            Assert.Equal("confirmed", order.GetProperty("status").GetString());
            var level = await (await Send(HttpMethod.Get, $"/api/v1/orgs/{orgId}/inventory/SKU-1", null, token)).ReadAsync<JsonElement>();
            Assert.Equal((10, 2, 8), (level.GetProperty("onHand").GetInt32(), level.GetProperty("reserved").GetInt32(), level.GetProperty("available").GetInt32()));
            var listed = await Send(HttpMethod.Get, $"/api/v1/orgs/{orgId}/orders", null, token);
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
            var items = (await listed.ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal([(orderId, "confirmed")], items.Select(o => (o.GetProperty("id").GetString(), o.GetProperty("status").GetString())));
            var me = await (await Send(HttpMethod.Get, "/auth/me", null, token)).ReadAsync<JsonElement>();
            Assert.Contains(orgId, me.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        }
    }

    /// <summary>Sends to the next silo in turn; the answer's failure message names the silo.</summary>
    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, object? body, string? token = null, string? idempotencyKey = null)
    {
        var index = _next++ % _clients.Count;
        var request = new HttpRequestMessage(method, path);
        if (body is string json)
        {
            request.Content = ApiSamples.Json(json);
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        var response = await _clients[index].SendAsync(request);
        if ((int)response.StatusCode >= 500)
        {
            Assert.Fail($"{method} {path} on {_silos[index].Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{_silos[index].OutputTail(40)}");
        }
        return response;
    }

    /// <summary>Each silo's /health/ready (as the operator: the view is a detail) names a view with 3 active silos, all within 30 s.</summary>
    private async Task WaitForViewOfThreeAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var silo in _silos)
        {
            await silo.WaitForOkAsync("/health/ready", deadline - DateTime.UtcNow,
                body => body.Contains("with 3 active silos", StringComparison.Ordinal), asOperator: ("operator", OperatorPassword));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await Task.WhenAll(_silos.Select(s => s.DisposeAsync().AsTask()));
        try
        {
            using var redis = await ConnectionMultiplexer.ConnectAsync(Redis + ",connectTimeout=2000");
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var keys = server.Keys(pattern: _runId + "/*").ToArray();
            if (keys.Length > 0)
            {
                await redis.GetDatabase().KeyDeleteAsync(keys);
            }
        }
        catch (RedisException)
        {
            // Best effort: the keys are unique to this run.
        }
    }
}
