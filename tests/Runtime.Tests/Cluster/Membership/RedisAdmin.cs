using StackExchange.Redis;

namespace Granary.Runtime.Tests.Cluster.Membership;

/// <summary>An admin connection for tests that look at or drop a Redis server's client connections, plus key clean-up.</summary>
internal sealed class RedisAdmin : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private RedisAdmin(ConnectionMultiplexer connection) => _connection = connection;

    public static async Task<RedisAdmin> ConnectAsync(string configuration) =>
        new(await ConnectionMultiplexer.ConnectAsync(configuration + ",allowAdmin=true"));

    private IServer Server => _connection.GetServer(_connection.GetEndPoints()[0]);

    /// <summary>Drops every connection named <paramref name="clientName"/>; returns how many.</summary>
    public async Task<int> KillClientsAsync(string clientName)
    {
        var clients = (await Server.ClientListAsync()).Where(c => c.Name == clientName).ToList();
        foreach (var client in clients)
        {
            await Server.ClientKillAsync(client.Address!);
        }
        return clients.Count;
    }

    /// <summary>How many connections are subscribed to <paramref name="channel"/> (PUBSUB NUMSUB).</summary>
    public Task<long> SubscribersAsync(string channel) => Server.SubscriptionSubscriberCountAsync(RedisChannel.Literal(channel));

    /// <summary>Deletes the keys matching <paramref name="pattern"/>, in a script: 1.2.6 pages SCAN synchronously.</summary>
    public async Task DeleteKeysAsync(string pattern) =>
        await _connection.GetDatabase().ScriptEvaluateAsync(
            "for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) end",
            [],
            [pattern]);

    /// <summary>Polls <paramref name="condition"/> (exceptions count as false) until it holds; fails naming what was awaited.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string description, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + limit;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
                last = null;
            }
            catch (Exception ex)
            {
                last = ex;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Waited {limit} for {description}; it did not happen.{(last is null ? "" : " Last error: " + last.Message)}", last);
    }

    public async ValueTask DisposeAsync()
    {
        // StackExchange.Redis 1.2.6's Dispose alone blocks about a second; closing first returns at once.
        await _connection.CloseAsync(allowCommandsToComplete: true);
        _connection.Dispose();
    }
}
