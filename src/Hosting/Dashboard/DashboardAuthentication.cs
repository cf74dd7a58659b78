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
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, DashboardBasicAuthenticationHandler>(Scheme, displayName: "Granary dashboard", _ => { });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }
}
