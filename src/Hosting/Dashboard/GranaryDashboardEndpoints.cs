using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Granary.Hosting;

/// <summary>Maps the Orleans Dashboard at <c>/dashboard</c> behind the operator credential (<c>Granary:Dashboard</c>).</summary>
public static partial class GranaryDashboardEndpoints
{
    /// <summary>The dashboard's path.</summary>
    public const string RoutePrefix = "/dashboard";

    /// <summary>
    /// Maps <c>/dashboard</c>. With <c>Granary:Dashboard:Username</c>/<c>Password</c> set it asks for them (HTTP Basic).
    /// Without them it is open to loopback callers in Development and not mapped at all in any other environment (404):
    /// behind a reverse proxy on the same host every request comes from loopback, so loopback proves nothing there.
    /// With <c>Granary:Dashboard:Enabled=false</c> the silo hosts no dashboard at all (404).
    /// </summary>
    public static IEndpointRouteBuilder MapGranaryDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ServiceProvider;
        var credential = services.GetRequiredService<IOptions<GranaryDashboardOptions>>().Value;
        var environment = services.GetRequiredService<IHostEnvironment>();
        if (!credential.Enabled)
        {
            return app;
        }
        if (!credential.HasCredential && !environment.IsDevelopment())
        {
            LogDashboardClosed(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GranaryDashboardEndpoints)), environment.EnvironmentName);
            return app;
        }
        // The dashboard's own routes are the operator's page, not the API: they stay out of the OpenAPI document.
        app.MapOrleansDashboard(routePrefix: RoutePrefix).RequireAuthorization(DashboardAuthentication.Policy).ExcludeFromDescription();
        return app;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "The dashboard is closed in the {Environment} environment: set Granary:Dashboard:Username and Granary:Dashboard:Password to open it")]
    private static partial void LogDashboardClosed(ILogger logger, string environment);
}
