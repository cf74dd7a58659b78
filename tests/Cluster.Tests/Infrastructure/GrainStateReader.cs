using System.Text.Json;
using Granary.Cluster.Tests.Grains;
using Npgsql;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>Reads the test grains' durable state straight from PostgreSQL (granary_grain_state, JSON payloads in camelCase).</summary>
internal static class GrainStateReader
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stored count per counter key, for the counters whose key starts with <paramref name="keyPrefix"/>.</summary>
    public static async Task<Dictionary<string, int>> CountsAsync(string keyPrefix)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var (key, payload) in ReadAsync("clustertest-counter", "counter", keyPrefix))
        {
            counts[key] = JsonSerializer.Deserialize<CounterState>(payload, Json)!.Count;
        }
        return counts;
    }

    /// <summary>Recorded reminder ticks per probe key, for the probes whose key starts with <paramref name="keyPrefix"/>.</summary>
    public static async Task<Dictionary<string, IReadOnlyList<ReminderFiring>>> FiringsAsync(string keyPrefix)
    {
        var firings = new Dictionary<string, IReadOnlyList<ReminderFiring>>(StringComparer.Ordinal);
        await foreach (var (key, payload) in ReadAsync("clustertest-reminderprobe", "probe", keyPrefix))
        {
            firings[key] = JsonSerializer.Deserialize<ReminderProbeState>(payload, Json)!.Firings;
        }
        return firings;
    }

    private static async IAsyncEnumerable<(string Key, string Payload)> ReadAsync(string grainType, string stateName, string keyPrefix)
    {
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "SELECT grain_key, payload::text FROM granary_grain_state WHERE grain_type = $1 AND state_name = $2 AND grain_key LIKE $3", connection);
        select.Parameters.AddWithValue(grainType);
        select.Parameters.AddWithValue(stateName);
        select.Parameters.AddWithValue(keyPrefix + "%");
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return (reader.GetString(0), reader.GetString(1));
        }
    }
}
