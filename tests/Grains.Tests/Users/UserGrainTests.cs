using Granary.Grains.Users;

namespace Granary.Grains.Tests.Users;

public sealed class UserGrainTests
{
    [Fact]
    public async Task EmailIndex_TwentyConcurrentClaims_ExactlyOneWins()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var index = cluster.GrainFactory.GetGrain<IEmailIndexGrain>(EmailAddress.Normalize(" Race@Example.com "));
        var claimants = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString("N")).ToList();

        var results = await Task.WhenAll(claimants.Select(id => index.Claim(id)));

        Assert.Equal(1, results.Count(won => won));
        Assert.Equal(claimants[Array.IndexOf(results, true)], await index.GetUserId());
    }

    [Fact]
    public async Task RefreshFamily_ReuseOfRotatedToken_RevokesTheFamily()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var family = cluster.GrainFactory.GetGrain<IRefreshTokenFamilyGrain>(Guid.NewGuid().ToString("N"));
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        await family.Start("user-1", "h1", expires);

        Assert.Equal(new RefreshResult(RefreshStatus.Rotated, "user-1"), await family.Rotate("h1", "h2", expires));
        Assert.Equal(RefreshStatus.ReuseDetected, (await family.Rotate("h1", "h3", expires)).Status);
        Assert.Equal(RefreshStatus.Revoked, (await family.Rotate("h2", "h4", expires)).Status);
    }

    [Fact]
    public void RefreshFamily_ExpiredOrUnknownToken_IsRefusedWithoutRevoking()
    {
        var now = DateTimeOffset.UtcNow;
        var family = new RefreshTokenFamily { UserId = "u", CurrentHash = "h1", CurrentExpiresAt = now };
        Assert.Equal(RefreshStatus.Expired, family.Rotate("h1", "h2", now.AddDays(1), now).Status);
        Assert.Equal(RefreshStatus.Unknown, family.Rotate("other", "h2", now.AddDays(1), now).Status);
        Assert.False(family.Revoked);
    }

    [Fact]
    public void RefreshFamily_Logout_RevokesOnlyWithOneOfItsTokens()
    {
        var family = new RefreshTokenFamily { UserId = "u", CurrentHash = "h1", CurrentExpiresAt = DateTimeOffset.MaxValue };
        Assert.False(family.Revoke("someone else's"));
        Assert.True(family.Revoke("h1"));
        Assert.Equal(RefreshStatus.Revoked, family.Rotate("h1", "h2", DateTimeOffset.MaxValue, DateTimeOffset.UtcNow).Status);
    }

    [Fact]
    public void LoginFailures_LockAtTheLimitUntilTheWindowEnds()
    {
        var start = DateTimeOffset.UtcNow;
        var failures = new LoginFailures();
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(failures.RetryAfter(5, start));
            failures.Record(start);
        }
        Assert.Equal(LoginFailures.Window, failures.RetryAfter(5, start));
        Assert.Null(failures.RetryAfter(5, start + LoginFailures.Window));
    }

    [Fact]
    public async Task PasswordHasher_VerifiesOnlyTheRightPassword()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var hasher = cluster.GrainFactory.GetGrain<IPasswordHasherGrain>(0);
        var hash = await hasher.Hash("correct horse");
        Assert.DoesNotContain("correct horse", hash);
        Assert.True(await hasher.Verify(hash, "correct horse"));
        Assert.False(await hasher.Verify(hash, "wrong horse"));
        Assert.False(await hasher.Verify(null, "correct horse"));
    }
}
