using System.Text.Json;
using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Cluster.Membership.Redis;
using Granary.Runtime.Tests.Infrastructure;
using StackExchange.Redis;

namespace Granary.Runtime.Tests.Cluster.Membership;

/// <summary>
/// The membership table contract against the real Redis of scripts/services.sh (a missing Redis fails the tests),
/// plus what only Redis has: the key layout, unreachable servers and dropped connections. Each test has its own
/// key prefix and deletes its keys afterwards; data loss is simulated by deleting the test's keys, never FLUSHALL.
/// </summary>
public sealed class RedisMembershipTableTests : MembershipTableContractTests
{
    private const string ClusterId = "c1";
    // Checked once per run: the check's connection takes a second to dispose (StackExchange.Redis 1.2.6).
    private static readonly Lazy<Task> RedisAnswers = new(TestServices.RequireRedisAsync);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N");

    protected override async Task<IMembershipTable> CreateTableAsync()
    {
        await RedisAnswers.Value;
        return Create(ClusterId);
    }

    protected override Task<IMembershipTable> CreateTableOfAnotherSiloAsync() => Task.FromResult<IMembershipTable>(Create(ClusterId));

    protected override Task<IMembershipTable> CreateTableOfAnotherClusterAsync() => Task.FromResult<IMembershipTable>(Create("c2"));

    protected override Task SimulateDataLossAsync() => DeleteKeysAsync($"{_prefix}:{ClusterId}:*");

    protected override Task CleanUpAsync() => DeleteKeysAsync($"{_prefix}:*");

    [Fact]
    public async Task Writes_FollowTheDocumentedKeyLayout()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(TestServices.RedisConfiguration);
        try
        {
            var published = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"{_prefix}:{ClusterId}:membership:changed"), (_, message) => published.TrySetResult((string)message!));
            var now = await Table.GetServerTimeAsync(None);
            var entry = Entry(Address(1), SiloStatus.ShuttingDown, now) with { HttpPort = 8080, Suspicions = [new Suspicion(Address(2), now.AddMilliseconds(-3))] };

            Assert.True(await Table.InsertAsync(entry, 0, None));
            Assert.True(await Table.UpdateIAmAliveAsync(entry.Address, None));

            var database = connection.GetDatabase();
            var membership = (await database.HashGetAllAsync($"{_prefix}:{ClusterId}:membership")).ToDictionary(f => (string)f.Name!, f => (string)f.Value!);
            Assert.Equal(["10.0.0.1:11111@1700000000001", "version"], membership.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("1", membership["version"]);
            using var row = JsonDocument.Parse(membership["10.0.0.1:11111@1700000000001"]);
            var root = row.RootElement;
            Assert.Equal(["address", "siloName", "httpPort", "status", "startTime", "suspicions"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal("10.0.0.1:11111@1700000000001", root.GetProperty("address").GetString());
            Assert.Equal("silo-10.0.0.1", root.GetProperty("siloName").GetString());
            Assert.Equal(8080, root.GetProperty("httpPort").GetInt32());
            Assert.Equal("ShuttingDown", root.GetProperty("status").GetString());
            Assert.Equal(now.ToUnixTimeMilliseconds(), root.GetProperty("startTime").GetInt64());
            var suspicion = Assert.Single(root.GetProperty("suspicions").EnumerateArray().ToList());
            Assert.Equal("10.0.0.2:11111@1700000000002", suspicion.GetProperty("voter").GetString());
            Assert.Equal(now.ToUnixTimeMilliseconds() - 3, suspicion.GetProperty("time").GetInt64());

            var alive = Assert.Single(await database.HashGetAllAsync($"{_prefix}:{ClusterId}:alive"));
            Assert.Equal("10.0.0.1:11111@1700000000001", (string)alive.Name!);
            Assert.InRange(long.Parse((string)alive.Value!, System.Globalization.NumberStyles.None), now.ToUnixTimeMilliseconds() - 1000, now.ToUnixTimeMilliseconds() + 1000);

            Assert.Equal("1", await published.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await CloseAsync(connection);
        }
    }

    [Fact]
    public async Task CheckHealth_OfATableThatCannotReachRedisReportsUnhealthyWithoutThrowing()
    {
        await using var unreachable = new RedisMembershipTable(new RedisMembershipOptions { Configuration = "127.0.0.1:1", KeyPrefix = _prefix, ClusterId = ClusterId });

        var health = await unreachable.CheckHealthAsync(None);

        Assert.Equal(new ProviderHealth("membership", "redis", false, health.Detail), health);
        Assert.False(string.IsNullOrEmpty(health.Detail));
    }

    [Fact]
    public async Task Initialize_FailsWhenRedisIsUnreachable()
    {
        await using var unreachable = new RedisMembershipTable(new RedisMembershipOptions { Configuration = "127.0.0.1:1,connectTimeout=500", KeyPrefix = _prefix, ClusterId = ClusterId });

        await Assert.ThrowsAnyAsync<Exception>(() => unreachable.InitializeAsync(None).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.False((await unreachable.CheckHealthAsync(None)).Healthy);
    }

    [Fact]
    public async Task DroppedConnections_ReconnectByThemselvesAndResubscribe()
    {
        var clientName = "granary-membership-" + Guid.NewGuid().ToString("N")[..12];
        // A cluster of its own, so that the channel's only subscriber is this table.
        var channel = $"{_prefix}:c3:membership:changed";
        var table = await StartAsync(Task.FromResult<IMembershipTable>(Create("c3", ",name=" + clientName)));
        using var notices = new ChangeNotices(table);
        var now = await table.GetServerTimeAsync(None);
        Assert.True(await table.InsertAsync(Entry(Address(1), SiloStatus.Active, now), 0, None));
        await notices.WaitForAsync(1);

        await using (var admin = await RedisAdmin.ConnectAsync(TestServices.RedisConfiguration))
        {
            Assert.Equal(2, await admin.KillClientsAsync(clientName));
            // CLIENT KILL frees the connections before it answers, so a subscriber counted now is a new connection.
            await RedisAdmin.EventuallyAsync(async () => await admin.SubscribersAsync(channel) == 1, "the table's subscription back on the server");
        }
        await RedisAdmin.EventuallyAsync(() => table.UpdateIAmAliveAsync(Address(1), None), "the table answering again");

        Assert.True(await table.UpdateAsync(Entry(Address(1), SiloStatus.ShuttingDown, now), 1, None));
        await notices.WaitForAsync(2);
        Assert.True((await table.CheckHealthAsync(None)).Healthy);
    }

    private static async Task DeleteKeysAsync(string pattern)
    {
        await using var admin = await RedisAdmin.ConnectAsync(TestServices.RedisConfiguration);
        await admin.DeleteKeysAsync(pattern);
    }

    // StackExchange.Redis 1.2.6's Dispose alone blocks about a second; closing first returns at once.
    private static async Task CloseAsync(ConnectionMultiplexer connection)
    {
        await connection.CloseAsync(allowCommandsToComplete: true);
        connection.Dispose();
    }

    private RedisMembershipTable Create(string clusterId, string configurationSuffix = "") =>
        new(new RedisMembershipOptions { Configuration = TestServices.RedisConfiguration + configurationSuffix, KeyPrefix = _prefix, ClusterId = clusterId });
}
