using System.Security.Claims;
using Granary.Grains.Organizations;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;

namespace Granary.WebApi.Organizations;

/// <summary>
/// The check in front of every <c>/api/v1/orgs/{org}/…</c> call. A caller who is not a member of the organization
/// gets 404 (never 403), so organization and resource ids don't leak between tenants; a member whose role is too low
/// gets 403. API keys act in their own organization with the role their scopes grant.
/// </summary>
internal static class OrgAccess
{
    /// <summary>Null when allowed; otherwise the problem to answer.</summary>
    public static async Task<IResult?> DenyUnlessAsync(IGrainFactory grains, ClaimsPrincipal caller, string orgId, OrgRole minimum)
    {
        OrgRole? role;
        if (caller.ApiKeyOrganization() is { } keyOrg)
        {
            role = string.Equals(keyOrg, orgId, StringComparison.Ordinal) ? ApiKeyRole(caller) : null;
        }
        else if (caller.UserId() is { } userId)
        {
            role = await grains.GetGrain<IOrganizationGrain>(orgId).GetRole(userId);
        }
        else
        {
            role = null;
        }

        if (role is null)
        {
            return ApiProblems.NotFound("The organization");
        }
        return role.Value < minimum ? ApiProblems.Forbidden($"This needs the {minimum.ToString().ToLowerInvariant()} role or higher.") : null;
    }

    private static OrgRole ApiKeyRole(ClaimsPrincipal caller) =>
        caller.HasScope(ApiKeyScopes.Write) ? OrgRole.Member : OrgRole.Viewer;
}
