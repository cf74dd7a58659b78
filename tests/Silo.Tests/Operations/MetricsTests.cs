using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Granary.Silo.Tests.Operations;

/// <summary>
/// <c>/metrics</c> as operators use it: Debian's Prometheus server, on loopback, scrapes a production silo with the
/// operator credential and its HTTP API returns Granary's series with the counts of the traffic the test sent;
/// anonymous callers are refused; a management port serves it without a credential, and only there.
/// </summary>
public sealed class MetricsTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string Operator = "operator";
    private const string OperatorPassword = "metrics-test-password";

    [Fact]
    public async Task Prometheus_ScrapesTheSilo_ReadsBackGranarysCountersOfTheTraffic_AndRunsEveryQueryOfTheGrafanaDashboard()
    {
        await using var silo = SiloProcess.Start("metrics", ProductionSettings(new() { ["Granary__Dashboard__Username"] = Operator, ["Granary__Dashboard__Password"] = OperatorPassword }));
        await silo.WaitForOkAsync("/health/live", StartTimeout);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };

        // Anonymous and wrong credentials are refused; the operator reads the exposition format.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Scrape(Operator, "wrong"))).StatusCode);
        var exposition = await http.SendAsync(Scrape(Operator, OperatorPassword));
        Assert.Equal(HttpStatusCode.OK, exposition.StatusCode);
        Assert.Contains("orleans_", await exposition.Content.ReadAsStringAsync());

        // Traffic: an account (its welcome email is dead at once: no SMTP server), 2 failed logins, 3 orders created
        // through the API, one of them confirmed.
        await SendTrafficAsync(http, failedLogins: 2, orders: 3, confirmed: 1);

        var home = Directory.CreateTempSubdirectory("granary-prometheus-").FullName;
        var prometheusPort = LoopbackPorts.Free();
        await File.WriteAllTextAsync(Path.Combine(home, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: granary
                metrics_path: /metrics
                basic_auth:
                  username: {Operator}
                  password: {OperatorPassword}
                static_configs:
                  - targets: ["127.0.0.1:{silo.HttpPort}"]
            """);
        using var prometheus = StartPrometheus(home, prometheusPort);
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}"), Timeout = TimeSpan.FromSeconds(5) };
            Assert.Equal(3, await QueryUntilAsync(api, "sum(granary_orders_created_total{job=\"granary\"})", 3, prometheus));
            Assert.Equal(1, await QueryUntilAsync(api, "sum(granary_orders_transitions_total{status=\"confirmed\"})", 1, prometheus));
            Assert.Equal(2, await QueryUntilAsync(api, "sum(granary_logins_failed_total)", 2, prometheus));
            // The gauge of open jobs, counted in the read model: the account's welcome email and the confirmed order's
            // confirmation email are dead at once (this silo has no SMTP server).
            Assert.Equal(2, await QueryUntilAsync(api, "granary_jobs_current{kind=\"email\",status=\"dead\"}", 2, prometheus));
            Assert.Equal(0, await QueryUntilAsync(api, "granary_jobs_current{kind=\"email\",status=\"pending\"}", 0, prometheus));
            // The target is up through the credential, and Orleans's and ASP.NET Core's own series came along.
            Assert.Equal(1, await QueryUntilAsync(api, "up{job=\"granary\"}", 1, prometheus));
            Assert.True(await QueryUntilAsync(api, "count(orleans_catalog_activations)", 1, prometheus) >= 1);
            Assert.True(await QueryUntilAsync(api, "sum(http_server_request_duration_seconds_count)", 10, prometheus) >= 10);

            // deploy/grafana/dashboards/granary.json: every query is PromQL this Prometheus accepts, and names only
            // series the silo exposes (or Granary's documented ones that this traffic didn't make, such as job retries).
            var exposed = (await api.GetFromJsonAsync<JsonElement>("/api/v1/label/__name__/values")).GetProperty("data").EnumerateArray().Select(n => n.GetString()!).ToHashSet();
            var documented = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "README.md"));
            var queries = GrafanaDashboard.Queries();
            Assert.True(queries.Count >= 10, $"The dashboard has only {queries.Count} queries.");
            foreach (var (panel, expr) in queries)
            {
                var answer = await api.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal)));
                Assert.True(answer.IsSuccessStatusCode, $"Panel '{panel}': Prometheus refused {expr}: {await answer.Content.ReadAsStringAsync()}");
                foreach (var name in GrafanaDashboard.MetricNames(expr))
                {
                    Assert.True(exposed.Contains(name) || documented.Contains($"`{name}`", StringComparison.Ordinal),
                        $"Panel '{panel}' reads {name}, which the silo doesn't expose and README doesn't document.");
                }
            }
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ProductionSiloWithoutCredential_DoesNotServeMetrics()
    {
        await using var silo = SiloProcess.Start("metrics-closed", ProductionSettings([]));
        await silo.WaitForOkAsync("/health/live", StartTimeout);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task ManagementPort_ServesMetricsWithoutCredential_AndOnlyThere()
    {
        var port = LoopbackPorts.Free();
        await using var silo = SiloProcess.Start("metrics-port", ProductionSettings(new()
        {
            ["Granary__Metrics__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Granary__Dashboard__Username"] = Operator,
            ["Granary__Dashboard__Password"] = OperatorPassword,
        }));
        await silo.WaitForOkAsync("/health/live", StartTimeout);
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var scraped = await management.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("dotnet_", await scraped.Content.ReadAsStringAsync());
        // Not on the API's port, even for the operator, and the management port serves nothing else.
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(Scrape(Operator, OperatorPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task AnInvalidManagementPort_StopsStartUp_NamingIt()
    {
        await using var silo = SiloProcess.Start("metrics-bad", ProductionSettings(new() { ["Granary__Metrics__Port"] = "99999" }));

        Assert.NotEqual(0, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("Granary:Metrics:Port", silo.Output);
    }

    private static HttpRequestMessage Scrape(string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }

    private static async Task SendTrafficAsync(HttpClient http, int failedLogins, int orders, int confirmed)
    {
        const string email = "metrics@example.com";
        const string password = "correct horse battery";
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/auth/register", new { email, password, name = "Metrics" })).StatusCode);
        for (var i = 0; i < failedLogins; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/auth/login", new { email, password = "not the password" })).StatusCode);
        }
        var login = await http.PostAsJsonAsync("/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var org = await http.PostAsJsonAsync("/api/v1/orgs", new { name = "Metrics", slug = "metrics" });
        Assert.Equal(HttpStatusCode.Created, org.StatusCode);
        var orgId = (await org.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsJsonAsync($"/api/v1/orgs/{orgId}/inventory/SKU-1", new { onHand = 100 })).StatusCode);
        for (var i = 0; i < orders; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orgs/{orgId}/orders")
            {
                Content = JsonContent.Create(new
                {
                    lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 5.0m } },
                    currency = "EUR",
                    customer = new { email = "buyer@example.com" },
                    shippingAddress = new { line1 = "1 Main St", city = "Lyon", postalCode = "69001", country = "FR" },
                }),
            };
            request.Headers.Add("Idempotency-Key", $"metrics-{i}");
            var created = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            if (i < confirmed)
            {
                var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/v1/orgs/{orgId}/orders/{id}/confirm", null)).StatusCode);
            }
        }
        http.DefaultRequestHeaders.Authorization = null;
    }

    private static Process StartPrometheus(string home, int port)
    {
        var start = new ProcessStartInfo("prometheus")
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--config.file=prometheus.yml", $"--storage.tsdb.path={Path.Combine(home, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }
        Process prometheus;
        try
        {
            prometheus = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException("The prometheus server is not installed (Debian: apt-get install prometheus; scripts/test.sh installs it).", error);
        }
        prometheus.OutputDataReceived += (_, _) => { };
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        return prometheus;
    }

    /// <summary>Queries Prometheus's HTTP API until the instant vector's first value reaches <paramref name="atLeast"/> (30 s at most); returns it.</summary>
    private static async Task<double> QueryUntilAsync(HttpClient api, string query, double atLeast, Process prometheus)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = "no answer";
        while (true)
        {
            Assert.False(prometheus.HasExited, $"prometheus exited with code {(prometheus.HasExited ? prometheus.ExitCode : 0)}.");
            try
            {
                var answer = await api.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(query));
                last = answer.ToString();
                var result = answer.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() > 0)
                {
                    var value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                    if (value >= atLeast)
                    {
                        return value;
                    }
                }
            }
            catch (HttpRequestException error)
            {
                last = error.Message;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Prometheus never answered {query} with at least {atLeast}; last answer: {last}");
            await Task.Delay(500);
        }
    }

    private static Dictionary<string, string> ProductionSettings(Dictionary<string, string> settings)
    {
        settings["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        return settings;
    }
}
