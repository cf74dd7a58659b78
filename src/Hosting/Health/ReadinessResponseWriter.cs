using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Granary.Hosting;

/// <summary>
/// Writes <c>/health/ready</c> in the shape operators and load balancers already read:
/// <c>{"status":"ready"|"not ready","silo":"…","providers":[{"component","healthy"}]}</c> for anyone, and with each
/// provider's <c>kind</c> and <c>detail</c> (database file, silo address, active silos, the error) only for the operator
/// credential of <c>/dashboard</c> (in Development without one, the local user): those name the machine's insides.
/// A wrong or missing credential still gets the short answer, never a 401: load balancers ask without one.
/// </summary>
internal static class ReadinessResponseWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task WriteReadyAsync(HttpContext context, HealthReport report)
    {
        var silo = context.RequestServices.GetRequiredService<IOptions<GranarySiloOptions>>().Value.SiloName;
        var providers = GranaryHealthChecks.Components
            .Where(report.Entries.ContainsKey)
            .Select(component => Provider(component, report.Entries[component]))
            .ToList();
        var status = report.Status == HealthStatus.Healthy ? "ready" : "not ready";
        if (!(await context.AuthenticateAsync(DashboardAuthentication.Scheme)).Succeeded)
        {
            // Left out of the answer (null members are not written).
            providers = [.. providers.Select(p => p with { Kind = null, Detail = null })];
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new Readiness(status, silo, providers), Json, context.RequestAborted);
    }

    public static Task WriteLiveAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new Liveness("live"), Json, context.RequestAborted);
    }

    private static ProviderHealth Provider(string component, HealthReportEntry entry)
    {
        var kind = entry.Tags.FirstOrDefault(t => t.StartsWith(GranaryHealthChecks.KindTagPrefix, StringComparison.Ordinal))?[GranaryHealthChecks.KindTagPrefix.Length..] ?? "";
        var detail = entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString();
        return new ProviderHealth(component, kind, entry.Status == HealthStatus.Healthy, detail);
    }

    private sealed record Readiness(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("silo")] string Silo,
        [property: JsonPropertyName("providers")] IReadOnlyList<ProviderHealth> Providers);

    private sealed record ProviderHealth(
        [property: JsonPropertyName("component")] string Component,
        [property: JsonPropertyName("kind"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind,
        [property: JsonPropertyName("healthy")] bool Healthy,
        [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);

    private sealed record Liveness([property: JsonPropertyName("status")] string Status);
}
