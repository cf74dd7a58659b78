using System.Diagnostics;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Granary.Silo.Tests.Deployment;

/// <summary>
/// The files of the compose "monitoring" profile: Prometheus's configuration passes <c>promtool check config</c>
/// (Debian's prometheus package), and the Grafana dashboard is well formed and reads the provisioned data source.
/// Its queries are run against a real Prometheus scraping a silo in Operations/MetricsTests.
/// </summary>
public sealed class MonitoringConfigTests
{
    [Fact]
    public async Task PrometheusConfiguration_PassesPromtool()
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "check", "config", Path.Combine(RepositoryRoot.Path, "deploy", "prometheus", "prometheus.yml") })
        {
            start.ArgumentList.Add(argument);
        }
        using var promtool = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (Debian: apt-get install prometheus).");
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();

        Assert.True(promtool.ExitCode == 0, "promtool check config failed:\n" + output);
    }

    [Fact]
    public void GrafanaDashboard_HasPanelsWithQueries_OnTheProvisionedDataSource()
    {
        var provisioned = new YamlStream();
        provisioned.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml"))));
        var source = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)provisioned.Documents[0].RootNode)["datasources"])[0];
        var uid = ((YamlScalarNode)source["uid"]).Value;
        Assert.Equal("http://prometheus:9090", ((YamlScalarNode)source["url"]).Value);

        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, Operations.GrafanaDashboard.File)));
        var root = dashboard.RootElement;
        Assert.Equal("granary-overview", root.GetProperty("uid").GetString());
        var panels = root.GetProperty("panels").EnumerateArray().ToList();
        Assert.True(panels.Count >= 8, $"The dashboard has {panels.Count} panels.");
        var titles = panels.Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.Equal(titles.Count, titles.Distinct().Count());
        foreach (var panel in panels)
        {
            Assert.Equal(uid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString())));
            var grid = panel.GetProperty("gridPos");
            Assert.True(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32() <= 24, $"Panel '{panel.GetProperty("title")}' is wider than the grid.");
        }
        // What the issue asks the dashboard to show: request rate and latency, grain calls, jobs, errors.
        foreach (var needed in new[] { "http_server_request_duration_seconds_count", "http_server_request_duration_seconds_bucket", "orleans_app_requests_latency_milliseconds_count", "granary_jobs_dead_total", "granary_orders_created_total" })
        {
            Assert.Contains(Operations.GrafanaDashboard.Queries(), q => q.Expr.Contains(needed, StringComparison.Ordinal));
        }
    }
}
