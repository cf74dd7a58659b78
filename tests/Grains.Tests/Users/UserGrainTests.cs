using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Grains.Tests.Infrastructure;
using Granary.Grains.Users;

namespace Granary.Grains.Tests.Users;

public sealed class UserGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task EmailIndex_TwentyConcurrentClaims_ExactlyOneWins()
    {
        var index = Grains.GetGrain<IEmailIndexGrain>(EmailAddress.Normalize(" Race@Example.com "));
        var claimants = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid().ToString("N")).ToList();

        var results = await Task.WhenAll(claimants.Select(id => index.Claim(id)));

        Assert.Equal(1, results.Count(won => won));
        Assert.Equal(claimants[Array.IndexOf(results, true)], await index.GetUserId());
    }

    [Fact]
    public async Task RefreshFamily_ReuseOfRotatedToken_RevokesTheFamily()
    {
        var family = Grains.GetGrain<IRefreshTokenFamilyGrain>(Guid.NewGuid().ToString("N"));
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        await family.Start("user-1", "h1", expires);

        Assert.Equal(new RefreshResult(RefreshStatus.Rotated, "user-1"), await family.Rotate("h1", "h2", expires));
        Assert.Equal(RefreshStatus.ReuseDetected, (await family.Rotate("h1", "h3", expires)).Status);
        Assert.Equal(RefreshStatus.Revoked, (await family.Rotate("h2", "h4", expires)).Status);
    }

    [Fact]
    public async Task Create_SchedulesTheWelcomeEmail_WhichItsReminderEnqueuesOnItsFirstTick()
    {
        var userId = Guid.NewGuid().ToString("N");
        var user = Grains.GetGrain<IUserGrain>(userId);

        Assert.True(await user.Create(new NewUser($"{userId}@example.com", "Zoë", "hash")));

        // The reminder is due a second after the account is stored: a real tick of Orleans's reminder service.
        var welcome = Grains.GetGrain<IEmailJobGrain>(EmailJobKey.For(UserGrain.AccountEmails, $"welcome-{userId}"));
        EmailJobInfo? job = null;
        await Poll.UntilAsync(async () => (job = await welcome.Get()) is not null, $"the welcome email job of user {userId}");
        Assert.Equal((EmailTemplate.Welcome, $"{userId}@example.com", UserGrain.AccountEmails), (job!.Template, job.To, job.OrganizationId));
        Assert.Equal(JobStatus.Dead, job.Status); // no SMTP host in this cluster
        await fixture.Cluster.WaitForNoReminderAsync(user, UserGrain.WelcomeReminder);
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
    public void LoginFailures_PastTheFreeOnes_WaitLongerEachTime_AndAreForgottenAfterAQuietQuarterHour()
    {
        var start = DateTimeOffset.UtcNow;
        var failures = new LoginFailures();
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(failures.RetryAfter(3, start));
            failures.Record(start);
        }
        Assert.Null(failures.RetryAfter(3, start));

        var now = start;
        foreach (var seconds in new[] { 1, 2, 4, 8 })
        {
            failures.Record(now);
            Assert.Equal(TimeSpan.FromSeconds(seconds), failures.RetryAfter(3, now));
            now += TimeSpan.FromSeconds(seconds);
            Assert.Null(failures.RetryAfter(3, now));
        }
        Assert.Equal(LoginFailures.MaxDelay, LoginFailures.Delay(11));
        Assert.Equal(LoginFailures.MaxDelay, LoginFailures.Delay(1_000));

        // A quarter of an hour without a failure: the count starts again, and the next failure is free.
        now += LoginFailures.ForgetAfter;
        failures.Record(now);
        Assert.Null(failures.RetryAfter(3, now));
    }

    [Fact]
    public async Task PasswordHasher_VerifiesOnlyTheRightPassword()
    {
        var hasher = Grains.GetGrain<IPasswordHasherGrain>(0);
        var hash = await hasher.Hash("correct horse");
        Assert.DoesNotContain("correct horse", hash);
        Assert.True(await hasher.Verify(hash, "correct horse"));
        Assert.False(await hasher.Verify(hash, "wrong horse"));
        Assert.False(await hasher.Verify(null, "correct horse"));
    }
}
