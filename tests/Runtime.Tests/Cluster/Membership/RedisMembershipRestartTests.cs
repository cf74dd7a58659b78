using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Cluster.Membership.Redis;

namespace Granary.Runtime.Tests.Cluster.Membership;

/// <summary>
/// A Redis restart under two silos' tables, on a private redis-server (<see cref="PrivateRedisServer"/>): the
/// tables reconnect and resubscribe by themselves, and since that server keeps no data they see the table start
/// over at version 0.
/// </summary>
public sealed class RedisMembershipRestartTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AfterARedisRestart_TablesReconnectResubscribeAndStartOverFromVersionZero()
    {
        await using var redis = await PrivateRedisServer.StartAsync();
        var options = new RedisMembershipOptions { Configuration = redis.Configuration, KeyPrefix = "restart", ClusterId = "c1" };
        await using var table = new RedisMembershipTable(options);
        await using var otherSilo = new RedisMembershipTable(options);
        await table.InitializeAsync(None);
        await otherSilo.InitializeAsync(None);
        using var before = new ChangeNotices(otherSilo);
        var silo = new Placement.SiloAddress("10.0.0.1", 11111, 1_700_000_000_001);
        var entry = new MembershipEntry { Address = silo, SiloName = "silo-1", Status = SiloStatus.Active, StartTime = await table.GetServerTimeAsync(None) };
        Assert.True(await table.InsertAsync(entry, 0, None));
        Assert.True(await table.InsertAsync(entry with { Address = silo with { Generation = 2 } }, 1, None));
        await before.WaitForAsync(2);

        await redis.RestartAsync();

        // Until a table has reconnected its calls throw, as they do while Redis is down; the caller retries.
        foreach (var reconnecting in new[] { table, otherSilo })
        {
            await RedisAdmin.EventuallyAsync(async () => await reconnecting.ReadAllAsync(None) is { Version: 0, Entries.Count: 0 }, "a table to read the restarted, empty Redis");
        }
        Assert.False(await table.UpdateIAmAliveAsync(silo, None));
        await using (var admin = await RedisAdmin.ConnectAsync(redis.Configuration))
        {
            await RedisAdmin.EventuallyAsync(async () => await admin.SubscribersAsync("restart:c1:membership:changed") == 2, "both tables' subscriptions back on the restarted Redis");
        }
        using var after = new ChangeNotices(otherSilo);
        Assert.True(await table.InsertAsync(entry, 0, None));
        await after.WaitForAsync(1);
        Assert.True(await otherSilo.UpdateIAmAliveAsync(silo, None));
        Assert.True((await otherSilo.CheckHealthAsync(None)).Healthy);
        var snapshot = await otherSilo.ReadAllAsync(None);
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(silo, Assert.Single(snapshot.Entries).Address);
    }
}
