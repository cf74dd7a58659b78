using Granary.Grains.Organizations;
using Granary.Grains.Users;
using Granary.WebApi.Users;

namespace Granary.WebApi.Organizations;

/// <summary>The organizations a user belongs to, with the role each gives them (for <c>GET /api/v1/orgs</c> and <c>/auth/me</c>).</summary>
internal static class CallerOrganizations
{
    public static async Task<IReadOnlyList<MyOrganization>> ListAsync(IGrainFactory grains, string userId)
    {
        var organizations = new List<MyOrganization>();
        foreach (var orgId in await grains.GetGrain<IUserGrain>(userId).GetOrganizations())
        {
            // The organization holds the truth about roles; the user's list only says where to look.
            var org = grains.GetGrain<IOrganizationGrain>(orgId);
            if (await org.GetRole(userId) is { } role && await org.Get() is { } info)
            {
                organizations.Add(new MyOrganization(info.Id, info.Name, info.Slug, role));
            }
        }
        return organizations;
    }
}
