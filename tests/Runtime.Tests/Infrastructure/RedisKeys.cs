using StackExchange.Redis;

namespace Granary.Runtime.Tests.Infrastructure;

/// <summary>Removes a test's Redis keys (by prefix) without touching other tests' keys: simulates data loss, or cleans up.</summary>
public static class RedisKeys
{
    private const string DeleteByPrefix = """
        local cursor = "0"
        local deleted = 0
        repeat
            local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 500)
            cursor = page[1]
            for _, key in ipairs(page[2]) do
                deleted = deleted + redis.call('DEL', key)
            end
        until cursor == "0"
        return deleted
        """;

    public static async Task<long> DeleteAsync(string configuration, string prefix)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=2000,abortConnect=true");
        var deleted = (long)await connection.GetDatabase().ScriptEvaluateAsync(DeleteByPrefix, values: [prefix + ":*"]);
        await connection.CloseAsync(allowCommandsToComplete: true);
        return deleted;
    }
}
