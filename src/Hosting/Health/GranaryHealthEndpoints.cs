using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Granary.Hosting;

/// <summary>
/// <c>GET /health/live</c>: 200 <c>{"status":"live"}</c> once the process serves HTTP. <c>GET /health/ready</c>: 200 when
/// the silo is Active and storage and reminders answered a round trip, else 503 with the same body naming what is down;
/// what each provider is and says only for the operator (<see cref="ReadinessResponseWriter"/>).
/// </summary>
public static class GranaryHealthEndpoints
{
    /// <summary>Maps <c>/health/live</c> and <c>/health/ready</c>, open to anonymous callers (load balancers, orchestrators).</summary>
    public static IEndpointRouteBuilder MapGranaryHealth(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var health = app.MapGroup("/health");
        health.MapHealthChecks("/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = ReadinessResponseWriter.WriteLiveAsync,
        });
        health.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(GranaryHealthChecks.ReadyTag),
            ResponseWriter = ReadinessResponseWriter.WriteReadyAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        health.AllowAnonymous();
        return app;
    }
}
