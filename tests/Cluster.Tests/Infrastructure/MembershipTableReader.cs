using System.Text.Json;
using StackExchange.Redis;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>One silo's row in the Redis membership table, as the test reads it.</summary>
internal sealed record MembershipRow(string Address, string SiloName, string Status, int Suspicions);

/// <summary>
/// Reads the cluster's membership table straight from Redis, the way an operator would: the hash
/// <c>{prefix}:{clusterId}:membership</c> holds one JSON row per silo address (and a <c>version</c> field).
/// </summary>
internal sealed class MembershipTableReader : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly RedisKey _key;

    private MembershipTableReader(ConnectionMultiplexer redis, string keyPrefix, string clusterId)
    {
        _redis = redis;
        _key = $"{keyPrefix}:{clusterId}:membership";
    }

    public static async Task<MembershipTableReader> ConnectAsync(string configuration, string keyPrefix, string clusterId) =>
        new(await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=2000,abortConnect=true"), keyPrefix, clusterId);

    public async Task<IReadOnlyList<MembershipRow>> ReadAsync()
    {
        var rows = new List<MembershipRow>();
        foreach (var field in await _redis.GetDatabase().HashGetAllAsync(_key))
        {
            if (field.Name == "version")
            {
                continue;
            }
            using var row = JsonDocument.Parse((string)field.Value!);
            var root = row.RootElement;
            rows.Add(new MembershipRow(
                root.GetProperty("address").GetString()!,
                root.GetProperty("siloName").GetString()!,
                root.GetProperty("status").GetString()!,
                root.GetProperty("suspicions").GetArrayLength()));
        }
        return rows;
    }

    /// <summary>The newest row of the silo named <paramref name="siloName"/> (a restarted name gets a new generation), or null.</summary>
    public async Task<MembershipRow?> FindAsync(string siloName) =>
        (await ReadAsync()).Where(r => r.SiloName == siloName).MaxBy(r => Generation(r.Address));

    public async ValueTask DisposeAsync()
    {
        // StackExchange.Redis 1.2.6 blocks for about a second in Dispose unless the connection is closed first.
        await _redis.CloseAsync(allowCommandsToComplete: true);
        _redis.Dispose();
    }

    private static long Generation(string address) => long.Parse(address[(address.LastIndexOf('@') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}
