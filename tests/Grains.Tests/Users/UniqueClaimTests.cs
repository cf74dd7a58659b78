using Granary.Grains.Organizations;
using Granary.Grains.Users;
using Granary.Grains.Tests.Infrastructure;

namespace Granary.Grains.Tests.Users;

/// <summary>Email and slug claims whose account or organization was never created don't keep the name taken.</summary>
public sealed class UniqueClaimTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IGrainFactory Grains => fixture.Grains;

    private FakeTimeProvider Time => fixture.Time;

    [Fact]
    public async Task EmailClaimOfAnAccountNeverCreated_IsTakenOverAfterAMinute_NotBefore()
    {
        var email = Grains.GetGrain<IEmailIndexGrain>("ada@example.com");
        Assert.True(await email.Claim("ghost"));

        Assert.False(await email.Claim("u2"));
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await email.Claim("u2"));
        Assert.Equal("u2", await email.GetUserId());
    }

    [Fact]
    public async Task EmailOfAnExistingAccount_StaysTaken()
    {
        var email = Grains.GetGrain<IEmailIndexGrain>("bob@example.com");
        Assert.True(await email.Claim("u1"));
        await Grains.GetGrain<IUserGrain>("u1").Create(new NewUser("bob@example.com", "Bob", "hash"));

        Time.Advance(TimeSpan.FromDays(1));

        Assert.False(await email.Claim("u2"));
        Assert.True(await email.Claim("u1"));
        Assert.Equal("u1", await email.GetUserId());
    }

    [Fact]
    public async Task ReleasedEmail_CanBeClaimedAtOnce_OnlyByItsHolderReleasing()
    {
        var email = Grains.GetGrain<IEmailIndexGrain>("cy@example.com");
        Assert.True(await email.Claim("u1"));

        await email.Release("someone-else");
        Assert.False(await email.Claim("u2"));

        await email.Release("u1");
        Assert.Null(await email.GetUserId());
        Assert.True(await email.Claim("u2"));
    }

    [Fact]
    public async Task SlugOfAnOrganizationNeverCreated_IsTakenOverAfterAMinute_ButAnExistingOneStaysTaken()
    {
        var orphan = Grains.GetGrain<ISlugIndexGrain>("acme");
        Assert.True(await orphan.Claim("org-ghost"));
        Assert.False(await orphan.Claim("org-2"));
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await orphan.Claim("org-2"));

        await Grains.GetGrain<IUserGrain>("owner").Create(new NewUser("owner@example.com", "Owner", "hash"));
        var taken = Grains.GetGrain<ISlugIndexGrain>("globex");
        Assert.True(await taken.Claim("org-3"));
        await Grains.GetGrain<IOrganizationGrain>("org-3").Create(new CreateOrganization("Globex", "globex"), "owner");
        Time.Advance(TimeSpan.FromDays(1));
        Assert.False(await taken.Claim("org-4"));

        await taken.Release("org-3");
        Assert.True(await taken.Claim("org-4"));
    }
}
