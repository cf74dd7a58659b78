using Granary.Grains.Organizations;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Users;

namespace Granary.Grains.Tests.Organizations;

public sealed class OrganizationGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task LastOwner_CannotBeDemotedOrLeave_UntilAnotherOwnerExists()
    {
        var owner = await CreateUser(Grains, "owner@example.com");
        var other = await CreateUser(Grains, "other@example.com");
        var orgId = Guid.NewGuid().ToString("N");
        var org = Grains.GetGrain<IOrganizationGrain>(orgId);
        await org.Create(new CreateOrganization("Acme", "acme"), owner);

        Assert.Equal(MemberChangeStatus.LastOwner, (await org.ChangeRole(owner, owner, OrgRole.Admin)).Status);
        Assert.Equal(MemberChangeStatus.LastOwner, (await org.RemoveMember(owner, owner)).Status);

        Assert.Equal(MemberChangeStatus.Done, (await org.AddMember(owner, new NewMember(other, "other@example.com", "Other", OrgRole.Owner))).Status);
        Assert.Equal(MemberChangeStatus.Done, (await org.RemoveMember(owner, owner)).Status);
        Assert.Null(await org.GetRole(owner));
        Assert.Empty(await Grains.GetGrain<IUserGrain>(owner).GetOrganizations());
        Assert.Equal([orgId], await Grains.GetGrain<IUserGrain>(other).GetOrganizations());
    }

    [Fact]
    public async Task RevokedApiKey_IsRevokedInTheIndex()
    {
        var owner = await CreateUser(Grains, "keys@example.com");
        var org = Grains.GetGrain<IOrganizationGrain>(Guid.NewGuid().ToString("N"));
        await org.Create(new CreateOrganization("Acme", "acme"), owner);
        var key = await org.CreateApiKey(new NewApiKey("k1", "shop", [ApiKeyScopes.Read], "hash-1", "gk_abc"));

        Assert.NotNull(key);
        var index = Grains.GetGrain<IApiKeyIndexGrain>("hash-1");
        Assert.False((await index.Get())!.Revoked);
        Assert.True(await org.RevokeApiKey("k1"));
        Assert.True((await index.Get())!.Revoked);
        Assert.False(await org.RevokeApiKey("missing"));
    }

    [Theory]
    [InlineData(OrgRole.Admin, OrgRole.Owner, MemberChangeStatus.Forbidden)]
    [InlineData(OrgRole.Admin, OrgRole.Admin, MemberChangeStatus.Done)]
    [InlineData(OrgRole.Member, OrgRole.Viewer, MemberChangeStatus.Forbidden)]
    [InlineData(OrgRole.Owner, OrgRole.Owner, MemberChangeStatus.Done)]
    public void MemberRules_OnlyOwnersGrantOwner_OnlyAdminsAdd(OrgRole actor, OrgRole role, MemberChangeStatus expected) =>
        Assert.Equal(expected, MemberRules.CanAdd(actor, role));

    [Fact]
    public void MemberRules_AdminCannotRemoveAnOwner_AnyoneMayLeave()
    {
        Assert.Equal(MemberChangeStatus.Forbidden, MemberRules.CanRemove(OrgRole.Admin, self: false, OrgRole.Owner, owners: 2));
        Assert.Equal(MemberChangeStatus.Done, MemberRules.CanRemove(OrgRole.Viewer, self: true, OrgRole.Viewer, owners: 1));
        Assert.Equal(MemberChangeStatus.LastOwner, MemberRules.CanRemove(OrgRole.Owner, self: true, OrgRole.Owner, owners: 1));
    }

    private static async Task<string> CreateUser(IGrainFactory grains, string email)
    {
        var id = Guid.NewGuid().ToString("N");
        Assert.True(await grains.GetGrain<IUserGrain>(id).Create(new NewUser(email, email, "hash")));
        return id;
    }
}
