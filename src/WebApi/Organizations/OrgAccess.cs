using System.Security.Claims;
using Granary.Grains.Organizations;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;

namespace Granary.WebApi.Organizations;

/// <summary>
/// The check in front of every <c>/api/v1/orgs/{org}/…</c> call. A caller who is not a member of the organization
/// gets 404 (never 403), so organization and resource ids don't leak between tenants; a member whose role is too low
/// gets 403. API keys act in their own organization with the role their scopes grant. Users' roles come from
/// <see cref="OrgRoleCache"/>.
/// </summary>
internal sealed class OrgAccess(OrgRoleCache roles)
{
    /// <summary>Null when allowed; otherwise the problem to answer.</summary>
    public async Task<IResult?> DenyUnlessAsync(ClaimsPrincipal caller, string orgId, OrgRole minimum)
    {
        OrgRole? role;
        if (caller.ApiKeyOrganization() is { } keyOrg)
        {
            role = string.Equals(keyOrg, orgId, StringComparison.Ordinal) ? ApiKeyRole(caller) : null;
        }
        else if (caller.UserId() is { } userId)
        {
            role = await roles.GetAsync(orgId, userId);
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

    /// <summary>Forgets cached roles in the organization: call after a membership change.</summary>
    public void MembershipChanged(string orgId) => roles.Forget(orgId);

    private static OrgRole ApiKeyRole(ClaimsPrincipal caller) =>
        caller.HasScope(ApiKeyScopes.Write) ? OrgRole.Member : OrgRole.Viewer;
}
