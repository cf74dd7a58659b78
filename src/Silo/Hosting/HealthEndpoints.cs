using Granary.Runtime;

namespace Granary.Silo.Hosting;

/// <summary>
/// <c>GET /health/live</c>: the process answers. <c>GET /health/ready</c>: the silo runs and every provider answered a
/// round trip; 200 with each provider's state, or 503 with the same body naming what is down.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health");
        health.MapGet("/live", Live);
        health.MapGet("/ready", ReadyAsync);
        return app;
    }

    private static IResult Live() => TypedResults.Ok(new { status = "live" });

    private static async Task<IResult> ReadyAsync(Runtime.Hosting.Silo silo, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var providers = await silo.CheckHealthAsync(timeout.Token);
        var ready = providers.All(p => p.Healthy);
        var body = new ReadinessReport(ready ? "ready" : "not ready", silo.Name, providers);
        return ready ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private sealed record ReadinessReport(string Status, string Silo, IReadOnlyList<ProviderHealth> Providers);
}
