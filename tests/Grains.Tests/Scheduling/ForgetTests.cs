using Granary.Grains.Orders;
using Granary.Grains.Users;
using Granary.Grains.Tests.Infrastructure;
using static Granary.Grains.Tests.Orders.OrderFixtures;

namespace Granary.Grains.Tests.Scheduling;

/// <summary>Forget deletes what an expired record remembers, so its key starts afresh; a record still in retention stays.</summary>
public sealed class ForgetTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly string _org = NewOrg();

    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task ForgottenIdempotencyKey_AcceptsADifferentBody()
    {
        var key = Grains.GetGrain<IIdempotencyGrain>($"{_org}/key-1");
        var first = await key.CreateOrder("hash-a", Order(("A", 1)));
        Assert.Equal(IdempotentOutcome.BodyMismatch, (await key.CreateOrder("hash-b", Order(("A", 2)))).Outcome);

        await key.Forget(DateTimeOffset.MaxValue);
        var again = await key.CreateOrder("hash-b", Order(("A", 2)));

        Assert.Equal(IdempotentOutcome.Created, again.Outcome);
        Assert.NotEqual(first.Order!.Id, again.Order!.Id);
    }

    [Fact]
    public async Task ForgottenRefreshFamily_KnowsNoToken()
    {
        var family = Grains.GetGrain<IRefreshTokenFamilyGrain>($"family-1-{_org}");
        await family.Start("u1", "token-1", DateTimeOffset.UtcNow.AddDays(1));

        await family.Forget(DateTimeOffset.UtcNow.AddDays(2));

        Assert.Equal(RefreshStatus.Unknown, (await family.Rotate("token-1", "token-2", DateTimeOffset.UtcNow.AddDays(1))).Status);
    }

    [Fact]
    public async Task IdempotencyKeyCreatedAfterTheCutOff_IsKept()
    {
        var key = Grains.GetGrain<IIdempotencyGrain>($"{_org}/key-2");
        var first = await key.CreateOrder("hash-a", Order(("A", 1)));

        // A sweep that listed the key before it was reused passes a cut-off older than the new record.
        await key.Forget(DateTimeOffset.UtcNow.AddDays(-1));

        var replay = await key.CreateOrder("hash-a", Order(("A", 1)));
        Assert.Equal(IdempotentOutcome.Replayed, replay.Outcome);
        Assert.Equal(first.Order!.Id, replay.Order!.Id);
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
