using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Hosting;

/// <summary>Registers the dashboard's own authentication scheme and policy beside whatever the API uses; it sets no default scheme.</summary>
internal static class DashboardAuthentication
{
    public const string Scheme = "GranaryDashboard";
    public const string Policy = "GranaryDashboard";

    public static IServiceCollection AddGranaryDashboardAuthentication(this IServiceCollection services)
    {
        // ASP.NET Core makes a lone scheme the default, which would run this handler for every API request (the API
        // authenticates bearer tokens in its own middleware); only the dashboard's and /metrics' policy names it.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, DashboardBasicAuthenticationHandler>(Scheme, displayName: "Granary dashboard", _ => { });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}
