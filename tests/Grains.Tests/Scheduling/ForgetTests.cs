using Granary.Grains.Users;
using Granary.Grains.Tests.Infrastructure;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>Forget deletes what an expired refresh-token family remembers; a live family stays.</summary>
public sealed class ForgetTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly string _org = NewOrg();

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task ForgottenRefreshFamily_KnowsNoToken()
    {
        var family = Grains.GetGrain<IRefreshTokenFamilyGrain>($"family-1-{_org}");
        await family.Start("u1", "token-1", DateTimeOffset.UtcNow.AddDays(1));

        await family.Forget(DateTimeOffset.UtcNow.AddDays(2));

        Assert.Equal(RefreshStatus.Unknown, (await family.Rotate("token-1", "token-2", DateTimeOffset.UtcNow.AddDays(1))).Status);
    }

    [Fact]
    public async Task LiveRefreshFamily_IsKept()
    {
        var family = Grains.GetGrain<IRefreshTokenFamilyGrain>($"family-2-{_org}");
        await family.Start("u1", "token-1", DateTimeOffset.UtcNow.AddDays(1));

        await family.Forget(DateTimeOffset.UtcNow);

        Assert.Equal(RefreshStatus.Rotated, (await family.Rotate("token-1", "token-2", DateTimeOffset.UtcNow.AddDays(1))).Status);
    }
}
