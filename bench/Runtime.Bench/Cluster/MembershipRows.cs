using System.Diagnostics;
using System.Text.Json;
using StackExchange.Redis;

namespace Granary.Bench;

/// <summary>One silo's row of a Redis membership table, as the bench reads it.</summary>
public sealed record MembershipRow(string Address, string SiloName, int HttpPort, string Status, int Suspicions);

/// <summary>
/// Reads Redis membership tables directly (hash <c>{prefix}:{clusterId}:membership</c>, one JSON row per silo address)
/// so the bench sees what every silo sees, without going through a silo. Owns a unique key prefix and deletes every
/// key under it when disposed.
/// </summary>
public sealed class MembershipRows : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;

    private MembershipRows(ConnectionMultiplexer redis, string configuration, string keyPrefix)
    {
        _redis = redis;
        Configuration = configuration;
        KeyPrefix = keyPrefix;
    }

    public string Configuration { get; }

    /// <summary>The run's own key prefix.</summary>
    public string KeyPrefix { get; }

    public static async Task<MembershipRows> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        return new MembershipRows(redis, configuration, $"granary-bench-{Guid.NewGuid():N}"[..26]);
    }

    /// <summary>Every row of cluster <paramref name="clusterId"/> (the <c>version</c> field skipped).</summary>
    public async Task<IReadOnlyList<MembershipRow>> ReadAsync(string clusterId)
    {
        var fields = await _redis.GetDatabase().HashGetAllAsync($"{KeyPrefix}:{clusterId}:membership");
        var rows = new List<MembershipRow>(fields.Length);
        foreach (var field in fields)
        {
            if (field.Name == "version")
            {
                continue;
            }
            using var json = JsonDocument.Parse((string)field.Value!);
            var root = json.RootElement;
            rows.Add(new MembershipRow(
                (string)field.Name!,
                root.GetProperty("siloName").GetString() ?? "",
                root.GetProperty("httpPort").GetInt32(),
                root.GetProperty("status").GetString() ?? "",
                root.GetProperty("suspicions").GetArrayLength()));
        }
        return rows;
    }

    /// <summary>Polls every <paramref name="interval"/> until a row matches, up to <paramref name="timeout"/> or until <paramref name="giveUp"/>.</summary>
    public async Task<MembershipRow> WaitForAsync(
        string clusterId, Func<MembershipRow, bool> match, TimeSpan timeout, TimeSpan interval, Func<bool> giveUp, Func<string> describeFailure)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var rows = await ReadAsync(clusterId);
            if (rows.FirstOrDefault(match) is { } row)
            {
                return row;
            }
            if (Stopwatch.GetTimestamp() > deadline || giveUp())
            {
                throw new TimeoutException(
                    $"No membership row of cluster {clusterId} matched (waited up to {timeout.TotalSeconds:0} s); rows: " +
                    $"{string.Join("; ", rows.Select(r => $"{r.SiloName} {r.Address} {r.Status}"))}. {describeFailure()}");
            }
            await Task.Delay(interval);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var deleted = 0;
            foreach (var endpoint in _redis.GetEndPoints())
            {
                var keys = _redis.GetServer(endpoint).Keys(pattern: KeyPrefix + ":*", pageSize: 500).ToArray();
                if (keys.Length > 0)
                {
                    deleted += (int)await _redis.GetDatabase().KeyDeleteAsync(keys);
                }
            }
            Console.WriteLine($"cluster: deleted {deleted} Redis keys under {KeyPrefix}:");
        }
        catch (RedisException ex)
        {
            Console.Error.WriteLine($"cluster: could not delete the Redis keys under {KeyPrefix}: {ex.Message}");
        }
        await _redis.CloseAsync();
        _redis.Dispose();
    }
}
