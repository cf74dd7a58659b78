using Granary.WebApi.Auth;
using Granary.WebApi.Http.RateLimiting;

namespace Granary.WebApi.Http;

/// <summary>The one place that says what every <c>/api/v1/orgs…</c> group requires.</summary>
internal static class ApiGroups
{
    /// <summary>
    /// <c>/api/v1/orgs{suffix}</c> under <paramref name="tag"/>: a caller is required (401 otherwise) and counted
    /// against the per-caller rate limit; each endpoint declares the least role it needs with
    /// <see cref="Organizations.LeastRoleExtensions.RequireRole"/> (403 for a role that may not, 404 for an organization
    /// that isn't the caller's; tests fail for an org-scoped endpoint without one).
    /// </summary>
    public static RouteGroupBuilder MapOrganizationGroup(this IEndpointRouteBuilder app, string suffix, string tag) =>
        app.MapGroup("/api/v1/orgs" + suffix).WithTags(tag).RequireCaller().RequireRateLimit(RateLimitPolicy.PerCaller)
            .DocumentProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
}
