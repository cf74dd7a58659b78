using Npgsql;
using Orleans.Serialization;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// Reads grain state straight from PostgreSQL, past every silo: Granary's ADO.NET storage keeps one row per grain in
/// granary_grain_storage (service_id, state_name, grain_id_string "{grain type}/{key}", payload in Orleans's binary
/// serializer), so the test decodes what a new activation would load.
/// </summary>
internal static class StoredState
{
    /// <summary>The state named <paramref name="stateName"/> of every grain of <paramref name="serviceId"/>, by grain key.</summary>
    public static async Task<Dictionary<string, T>> ReadAllAsync<T>(Serializer serializer, string serviceId, string stateName) =>
        (await RowsAsync(serviceId, stateName)).ToDictionary(
            r => r.Key, r => serializer.Deserialize<T>(r.Payload) ?? throw new InvalidOperationException($"The stored {stateName} of {r.Key} decodes to null."), StringComparer.Ordinal);

    /// <summary>Keys of the grains of <paramref name="serviceId"/> with a stored state named <paramref name="stateName"/>.</summary>
    public static async Task<HashSet<string>> KeysAsync(string serviceId, string stateName) =>
        (await RowsAsync(serviceId, stateName)).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);

    private static async Task<List<(string Key, byte[] Payload)>> RowsAsync(string serviceId, string stateName)
    {
        var rows = new List<(string, byte[])>();
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "SELECT grain_id_string, payload FROM granary_grain_storage WHERE service_id = $1 AND state_name = $2 AND payload IS NOT NULL", connection);
        select.Parameters.AddWithValue(serviceId);
        select.Parameters.AddWithValue(stateName);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // "{grain type}/{key}": the key is everything after the type.
            var id = reader.GetString(0);
            rows.Add((id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..], (byte[])reader[1]));
        }
        return rows;
    }
}
