using Granary.Grains.Organizations;

namespace Granary.WebApi.Organizations;

/// <summary>
/// The least role an <c>/api/v1/orgs/{org}/…</c> operation needs, as endpoint metadata (docs/api.md's roles table is
/// checked against it). <see cref="LeastRoleExtensions.RequireRole"/> adds it with the filter that enforces it.
/// </summary>
internal sealed record LeastRole(OrgRole Role);

internal static class LeastRoleExtensions
{
    /// <summary>
    /// The caller must hold <paramref name="least"/> or higher in the route's organization (<see cref="OrgAccess"/>:
    /// 404 for a non-member, 403 for a role too low). Call it before <c>Validate</c>: filters run in the order they
    /// are added, so the role is checked before the body's rules and a caller who may not make the call learns nothing
    /// from them.
    /// </summary>
    public static RouteHandlerBuilder RequireRole(this RouteHandlerBuilder builder, OrgRole least) =>
        builder.WithMetadata(new LeastRole(least)).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var org = http.GetRouteValue("org") as string
                ?? throw new InvalidOperationException($"RequireRole is for routes with an {{org}} parameter; {http.Request.Path} has none.");
            var access = http.RequestServices.GetRequiredService<OrgAccess>();
            return await access.DenyUnlessAsync(http.User, org, least) is { } denied ? denied : await next(context);
        });
}
