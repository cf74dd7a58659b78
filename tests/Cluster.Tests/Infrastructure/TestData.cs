using Npgsql;
using StackExchange.Redis;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>Removes what one test run left in Redis (keys of its ServiceId) and PostgreSQL (grain rows of its ServiceId).</summary>
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

    /// <summary>Deletes <c>{serviceId}/members/…</c> and <c>{serviceId}/reminders</c>, Orleans's keys for the service.</summary>
    public static async Task DeleteRedisKeysAsync(string configuration, string serviceId)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=2000,abortConnect=true");
        await redis.GetDatabase().ScriptEvaluateAsync(DeleteByPattern, values: [serviceId + "/*"]);
        await redis.CloseAsync(allowCommandsToComplete: true);
    }

    public static async Task DeleteGrainStateAsync(string connectionString, string serviceId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM granary_grain_storage WHERE service_id = $1", connection);
        delete.Parameters.AddWithValue(serviceId);
        await delete.ExecuteNonQueryAsync();
    }
}
