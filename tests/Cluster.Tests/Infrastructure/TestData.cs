using Npgsql;
using StackExchange.Redis;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>Removes what one test run left in Redis (keys under its prefix) and PostgreSQL (grain rows keyed by its run id).</summary>
internal static class TestData
{
    private const string DeleteByPattern = """
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

    public static async Task DeleteRedisKeysAsync(string configuration, string keyPrefix)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=2000,abortConnect=true");
        await redis.GetDatabase().ScriptEvaluateAsync(DeleteByPattern, values: [keyPrefix + ":*"]);
        await redis.CloseAsync(allowCommandsToComplete: true);
    }

    public static async Task DeleteGrainStateAsync(string connectionString, string keyPrefix)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM granary_grain_state WHERE grain_type LIKE 'clustertest-%' AND grain_key LIKE $1", connection);
        delete.Parameters.AddWithValue(keyPrefix + "%");
        await delete.ExecuteNonQueryAsync();
    }
}
