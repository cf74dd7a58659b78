using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// docker-compose.yml's topology as scripts/topology.sh runs it in network namespaces (Redis, PostgreSQL, silo-1..3,
/// nginx, each at its own address on a bridge the test host sits on), brought up once for a test class and removed at
/// its end. It needs root; without it the class fails saying so.
/// </summary>
public sealed class Topology : IAsyncLifetime
{
    /// <summary>scripts/topology.sh's default subnet (compose's).</summary>
    private const string Net = "172.30.10";

    private const string Directory = "/tmp/granary-topology";

    private readonly StringBuilder _scriptLog = new();

    public Uri Proxy { get; } = new($"http://{Net}.10:8080");

    /// <summary>The topology's Redis, reached from the host over the bridge.</summary>
    public string Redis { get; } = $"{Net}.2:6379";

    /// <summary>The topology's own PostgreSQL cluster, database granary as the silos use it.</summary>
    public string Postgres { get; } = $"Host={Net}.3;Port=5432;Username=granary;Password=granary;Database=granary;Pooling=false";

    public static Uri Silo(int k) => new($"http://{Net}.2{k}:8080");

    public async Task InitializeAsync()
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("The topology tests build network namespaces with scripts/topology.sh and must run as root (CI does).");
        }
        await RunAsync("down");
        await UpAsync();
    }

    public async Task DisposeAsync() => await RunAsync("down");

    /// <summary>Starts whatever is not running (idempotent) and waits until it answers.</summary>
    public Task UpAsync() =>
        File.Exists(Path.Combine(RepositoryRoot.Path, "src/Silo/bin/Release/net10.0/Granary.Silo.dll")) ? RunAsync("up", "--no-build") : RunAsync("up");

    /// <summary>Stops one component gracefully: <c>silo-2</c>, <c>redis</c>, <c>postgres</c>.</summary>
    public Task StopAsync(string component) => RunAsync("stop", component);

    /// <summary>SIGKILL to silo <paramref name="k"/> as <c>docker kill</c> does (its restart policy ends first); returns once it is gone.</summary>
    public Task KillSiloAsync(int k) => RunAsync("kill", $"silo-{k}");

    /// <summary>FLUSHALL on the topology's Redis: Orleans's membership table and every reminder are gone.</summary>
    public async Task FlushRedisAsync()
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{Redis},allowAdmin=true");
        await redis.GetServers().Single().FlushAllDatabasesAsync();
    }

    /// <summary>Every row of Orleans's reminder table in the topology's Redis (service "granary"), as stored.</summary>
    public async Task<IReadOnlyList<string>> ReminderRowsAsync()
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis);
        var rows = await redis.GetDatabase().SortedSetRangeByRankAsync("granary/reminders");
        return [.. rows.Select(row => row.ToString())];
    }

    /// <summary>The pid of silo <paramref name="k"/>'s current process (its restart policy writes it on every start).</summary>
    public static int SiloPid(int k) => int.Parse(File.ReadAllText($"{Directory}/silo-{k}/silo.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How many active silos each silo's own view holds (from its /health/ready, as the operator), or null for a silo not ready.</summary>
    public static async Task<int?[]> ActiveSilosSeenAsync(HttpClient client)
    {
        var seen = new int?[3];
        for (var k = 1; k <= 3; k++)
        {
            try
            {
                // The active silos are a detail for the operator (scripts/topology.sh gives the silos compose's credential).
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Silo(k), "/health/ready"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{(await File.ReadAllTextAsync($"{Directory}/dashboard-password")).Trim()}")));
                using var response = await client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    var detail = body.RootElement.GetProperty("providers")[0].GetProperty("detail").GetString() ?? "";
                    var match = System.Text.RegularExpressions.Regex.Match(detail, @"with (\d+) active silo");
                    seen[k - 1] = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
        }
        return seen;
    }

    /// <summary>An HTTP client on the proxy.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = Proxy, Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>A new user who owns a new organization, through the proxy: (access token, organization id).</summary>
    public async Task<(string Token, string OrganizationId)> NewTenantAsync(HttpClient client)
    {
        var email = $"topology-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery";
        using var registered = await client.PostAsJsonAsync("/auth/register", new { email, password, name = "Topology Tester" });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, $"register: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        using var login = await client.PostAsJsonAsync("/auth/login", new { email, password });
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"login: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orgs") { Content = JsonContent.Create(new { name = "Topology Co", slug = "topology-" + Guid.NewGuid().ToString("N")[..12] }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await client.SendAsync(request);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /api/v1/orgs: {(int)created.StatusCode} {body}");
        return (token, JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);
    }

    /// <summary>The silo name in /health/ready answered through the proxy (null when it didn't answer 200).</summary>
    public async Task<string?> AnsweringSiloAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("silo").GetString();
    }

    /// <summary>Whether every silo answers its own /health/ready with 200 (Active; storage and reminders up).</summary>
    public static async Task<bool> AllSilosReadyAsync(HttpClient client)
    {
        for (var k = 1; k <= 3; k++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(Silo(k), "/health/ready"));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Order ids of <paramref name="organizationId"/> whose grain state is stored in the topology's PostgreSQL.</summary>
    public async Task<HashSet<string>> StoredOrderIdsAsync(string organizationId)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "SELECT grain_id_string FROM granary_grain_storage WHERE service_id = 'granary' AND state_name = 'order' AND payload IS NOT NULL", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var prefix = $"/{organizationId}/";
        while (await reader.ReadAsync())
        {
            // "{grain type}/{org}/{order}"
            var id = reader.GetString(0);
            var at = id.IndexOf(prefix, StringComparison.Ordinal);
            if (at >= 0)
            {
                ids.Add(id[(at + prefix.Length)..]);
            }
        }
        return ids;
    }

    /// <summary>What the script printed, and the tails of the silos' and nginx's logs: for a failing test's output.</summary>
    public string Diagnostics()
    {
        var text = new StringBuilder();
        lock (_scriptLog)
        {
            text.Append(_scriptLog);
        }
        foreach (var file in new[] { "silo-1/silo.log", "silo-2/silo.log", "silo-3/silo.log", "proxy/error.log", "postgres/postgres.log", "redis/redis.log" })
        {
            var path = Path.Combine(Directory, file);
            if (File.Exists(path))
            {
                text.AppendLine($"--- last lines of {path}");
                foreach (var line in File.ReadLines(path).TakeLast(15))
                {
                    text.AppendLine(line.Length > 400 ? line[..400] : line);
                }
            }
        }
        return text.ToString();
    }

    /// <summary>Runs scripts/topology.sh; the output is kept for <see cref="Diagnostics"/> and returned.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        start.ArgumentList.Add("scripts/topology.sh");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["GRANARY_TOPOLOGY_DIR"] = Directory;
        var started = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        lock (_scriptLog)
        {
            _scriptLog.AppendLine($"$ topology.sh {string.Join(' ', arguments)} ({started.Elapsed.TotalSeconds:0.0} s, exit {process.ExitCode})").Append(text);
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"topology.sh {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        }
        return text;
    }
}
