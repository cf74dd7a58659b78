using System.Text.Json;
using System.Text.RegularExpressions;

namespace Granary.Silo.Tests.Operations;

/// <summary>The queries of deploy/grafana/dashboards/granary.json, the dashboard the compose "monitoring" profile provisions.</summary>
internal static partial class GrafanaDashboard
{
    public static readonly string File = Path.Combine("deploy", "grafana", "dashboards", "granary.json");

    /// <summary>(panel title, PromQL) of every target of every panel.</summary>
    public static IReadOnlyList<(string Panel, string Expr)> Queries()
    {
        using var dashboard = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(RepositoryRoot.Path, File)));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray()
                .Select(target => (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!)))];
    }

    /// <summary>The metric names a query reads: identifiers followed by a selector's brace, minus PromQL's own words.</summary>
    public static IEnumerable<string> MetricNames(string expr) =>
        MetricSelector().Matches(expr).Select(m => m.Groups["name"].Value).Distinct();

    [GeneratedRegex(@"(?<![\w.])(?<name>[a-z_][a-z0-9_]*)\{")]
    private static partial Regex MetricSelector();
}
