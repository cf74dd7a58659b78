using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>One silo incarnation's row in Orleans's membership table, as the test reads it.</summary>
internal sealed record MembershipRow(string Address, string SiloName, string Status, int Suspicions)
{
    /// <summary>The incarnation: a restarted silo at the same address gets a newer one.</summary>
    public long Generation => long.Parse(Address[(Address.LastIndexOf('@') + 1)..], CultureInfo.InvariantCulture);

    public override string ToString() => $"{SiloName} {Address} {Status} ({Suspicions} suspicions)";
}

/// <summary>
/// Reads Orleans's membership table straight from Redis, the way an operator would. Orleans.Clustering.Redis keeps one
/// hash per cluster under <c>{ServiceId}/members/{ClusterId}</c>: a field <c>Version</c> (the table version) and one
/// field per silo incarnation holding the MembershipEntry as JSON: <c>{"SiloAddress":{"SiloAddress":"ip:port@generation"},
/// "Status":3,"SuspectTimes":[…],"SiloName":"silo-1",…}</c> with the status as a number.
/// </summary>
internal sealed class MembershipReader : IAsyncDisposable
{
    /// <summary>Orleans's SiloStatus values by number.</summary>
    private static readonly string[] Statuses = ["None", "Created", "Joining", "Active", "ShuttingDown", "Stopping", "Dead"];

    private readonly ConnectionMultiplexer _redis;
    private readonly RedisKey _key;

    private MembershipReader(ConnectionMultiplexer redis, string serviceId, string clusterId)
    {
        _redis = redis;
        _key = $"{serviceId}/members/{clusterId}";
    }

    public static async Task<MembershipReader> ConnectAsync(string configuration, string serviceId, string clusterId) =>
        new(await ConnectionMultiplexer.ConnectAsync(configuration + ",connectTimeout=2000,abortConnect=true"), serviceId, clusterId);

    public async Task<IReadOnlyList<MembershipRow>> ReadAsync()
    {
        var rows = new List<MembershipRow>();
        foreach (var field in await _redis.GetDatabase().HashGetAllAsync(_key))
        {
            if (field.Name == "Version")
            {
                continue;
            }
            using var row = JsonDocument.Parse((string)field.Value!);
            var root = row.RootElement;
            var status = root.GetProperty("Status").GetInt32();
            rows.Add(new MembershipRow(
                root.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!,
                root.GetProperty("SiloName").GetString()!,
                status >= 0 && status < Statuses.Length ? Statuses[status] : status.ToString(CultureInfo.InvariantCulture),
                root.TryGetProperty("SuspectTimes", out var votes) && votes.ValueKind == JsonValueKind.Array ? votes.GetArrayLength() : 0));
        }
        return rows;
    }

    /// <summary>The newest row of the silo named <paramref name="siloName"/>, or null.</summary>
    public async Task<MembershipRow?> FindAsync(string siloName) =>
        (await ReadAsync()).Where(r => r.SiloName == siloName).MaxBy(r => r.Generation);

    public static string Describe(IEnumerable<MembershipRow> rows) =>
        string.Join("; ", rows.OrderBy(r => r.SiloName, StringComparer.Ordinal).ThenBy(r => r.Generation));

    public async ValueTask DisposeAsync()
    {
        await _redis.CloseAsync(allowCommandsToComplete: true);
        _redis.Dispose();
    }
}
