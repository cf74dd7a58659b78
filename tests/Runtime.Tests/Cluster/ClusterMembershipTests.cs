using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Infrastructure;
using Granary.Runtime.Tests.Runtime;

namespace Granary.Runtime.Tests.Cluster;

public sealed class ClusterMembershipTests
{
    [Fact]
    public async Task RedisMembership_WhenRedisLosesItsData_SilosWriteTheirRowsAgainAndTheClusterReforms()
    {
        await TestServices.RequireRedisAsync();
        var prefix = $"t{Guid.NewGuid():N}";
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(), o =>
        {
            o.SiloCount = 3;
            o.Membership = TestMembership.Redis(TestServices.RedisConfiguration, prefix);
        });
        var before = cluster.Silos.Select(s => s.Address).ToHashSet();
        Assert.Equal("pong from before-loss", await cluster.GrainFactory.GetGrain<ICallerGrain>("before-loss").Ping());

        await RedisKeys.DeleteAsync(TestServices.RedisConfiguration, prefix);

        await WaitUntilAsync(async () =>
        {
            var rows = await ReadRowsAsync(cluster);
            return rows.Count(r => r.Status == SiloStatus.Active) == 3 && rows.Select(r => r.Address).ToHashSet().SetEquals(before);
        }, "all three silos Active in the table again");
        await cluster.WaitForStableViewAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"pong from after-loss-{i}", await cluster.Silos[i % 3].GrainFactory.GetGrain<ICallerGrain>($"after-loss-{i}").Ping());
        }
    }

    [Fact]
    public async Task SiloDeclaredDeadByTheOthers_StopsItself()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(), o => o.SiloCount = 2);
        var victim = cluster.Silos[1];
        var table = cluster.MemoryMembership;
        var snapshot = await table.ReadAllAsync(CancellationToken.None);

        Assert.True(await table.UpdateAsync(snapshot.Find(victim.Address)! with { Status = SiloStatus.Dead }, snapshot.Version, CancellationToken.None));

        await WaitUntilAsync(() => Task.FromResult(!victim.IsRunning), "the fenced silo to stop");
        Assert.Equal("pong from after-fencing", await cluster.Silos[0].GrainFactory.GetGrain<ICallerGrain>("after-fencing").Ping());
    }

    private static async Task<IReadOnlyList<MembershipEntry>> ReadRowsAsync(TestCluster cluster) =>
        (await ((Granary.Runtime.Cluster.Membership.MembershipService)cluster.ServicesOf(cluster.Primary)
            .GetService(typeof(Granary.Runtime.Cluster.Membership.MembershipService))!).Table.ReadAllAsync(CancellationToken.None)).Entries;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string description)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited for {description}.");
            }
            await Task.Delay(50);
        }
    }
}
