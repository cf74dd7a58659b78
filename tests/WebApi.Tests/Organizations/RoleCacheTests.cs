using System.Net;
using System.Net.Http.Json;
using Granary.Grains.Organizations;
using Granary.WebApi.Organizations;
using Granary.WebApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Granary.WebApi.Tests.Organizations;

/// <summary>
/// Callers' roles are remembered for <c>Granary:Http:RoleCacheDuration</c>: a membership change made through the
/// silo applies to its next request; one it didn't see (made through another silo: here, the organization grain
/// called directly) applies once the duration has passed.
/// </summary>
public sealed class RoleCacheTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ChangeTheSiloDidNotSee_AppliesAfterTheDuration_OneItForgot_AtOnce()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var (owner, member, orgId) = await OrganizationWithMemberAsync(factory, "viewer");
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var organization = grains.GetGrain<IOrganizationGrain>(orgId);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var roles = new OrgRoleCache(grains, new HttpOptions { RoleCacheDuration = Duration }, time);

        Assert.Equal(OrgRole.Viewer, await roles.GetAsync(orgId, member.UserId));
        Assert.Equal(MemberChangeStatus.Done, (await organization.RemoveMember(owner.UserId, member.UserId)).Status);
        Assert.Equal(OrgRole.Viewer, await roles.GetAsync(orgId, member.UserId));
        time.Advance(Duration);
        Assert.Null(await roles.GetAsync(orgId, member.UserId));

        // A negative answer is remembered too, until the silo learns of a change.
        await organization.AddMember(owner.UserId, new NewMember(member.UserId, member.Email, "Member", OrgRole.Admin));
        Assert.Null(await roles.GetAsync(orgId, member.UserId));
        roles.Forget(orgId);
        Assert.Equal(OrgRole.Admin, await roles.GetAsync(orgId, member.UserId));
    }

    [Fact]
    public async Task ZeroDuration_AsksTheGrainEveryTime()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var (owner, member, orgId) = await OrganizationWithMemberAsync(factory, "viewer");
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var roles = new OrgRoleCache(grains, new HttpOptions { RoleCacheDuration = TimeSpan.Zero }, new FakeTimeProvider());

        Assert.Equal(OrgRole.Viewer, await roles.GetAsync(orgId, member.UserId));
        await grains.GetGrain<IOrganizationGrain>(orgId).RemoveMember(owner.UserId, member.UserId);
        Assert.Null(await roles.GetAsync(orgId, member.UserId));
    }

    [Fact]
    public async Task RemovingAMemberThroughTheApi_RefusesTheirNextRequest()
    {
        using var factory = new ApiFactory(ApiStorage.Sqlite);
        var (owner, member, orgId) = await OrganizationWithMemberAsync(factory, "admin");
        Assert.Equal(HttpStatusCode.OK, (await member.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/settings", new { dailySummary = true })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await owner.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/members/{member.UserId}", new { role = "viewer" })).StatusCode);
        await (await member.Client.PatchAsJsonAsync($"/api/v1/orgs/{orgId}/settings", new { dailySummary = false })).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/orgs/{orgId}/members/{member.UserId}")).StatusCode);

        await (await member.Client.GetAsync($"/api/v1/orgs/{orgId}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>An owner's new organization with a second user in it at <paramref name="role"/>.</summary>
    private static async Task<(ApiSession Owner, ApiSession Member, string OrgId)> OrganizationWithMemberAsync(ApiFactory factory, string role)
    {
        var owner = await factory.RegisterAndLoginAsync();
        var member = await factory.RegisterAndLoginAsync();
        var orgId = await owner.CreateOrganizationAsync();
        await owner.AddMemberAsync(orgId, member, role);
        return (owner, member, orgId);
    }
}
