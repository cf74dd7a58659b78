using System.Buffers;
using System.Text;
using System.Text.Json;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Membership.Redis;

/// <summary>
/// The JSON of one membership row as stored in Redis:
/// <c>{"address":"10.0.0.5:11111@1700000000000","siloName":"silo-1","httpPort":8080,"status":"Active",
/// "startTime":1700000000000,"suspicions":[{"voter":"10.0.0.6:11111@1700000000001","time":1700000000123}]}</c>
/// (times in unix milliseconds, UTC). The I-am-alive time is not part of the row: it lives in its own hash.
/// </summary>
internal static class RedisMembershipRow
{
    public static string Write(MembershipEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("address", entry.Address.ToString());
            writer.WriteString("siloName", entry.SiloName);
            writer.WriteNumber("httpPort", entry.HttpPort);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteNumber("startTime", entry.StartTime.ToUnixTimeMilliseconds());
            writer.WriteStartArray("suspicions");
            foreach (var suspicion in entry.Suspicions)
            {
                writer.WriteStartObject();
                writer.WriteString("voter", suspicion.Voter.ToString());
                writer.WriteNumber("time", suspicion.Time.ToUnixTimeMilliseconds());
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a row; <paramref name="aliveMs"/> is its I-am-alive field (null when absent: the start time is used).</summary>
    public static MembershipEntry Read(string json, long? aliveMs)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var status = root.GetProperty("status").GetString();
        if (!Enum.TryParse<SiloStatus>(status, ignoreCase: false, out var parsedStatus) || !Enum.IsDefined(parsedStatus))
        {
            throw new FormatException($"'{status}' is not a silo status.");
        }
        var startTime = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("startTime").GetInt64());
        var suspicions = new List<Suspicion>();
        foreach (var suspicion in root.GetProperty("suspicions").EnumerateArray())
        {
            suspicions.Add(new Suspicion(
                SiloAddress.Parse(suspicion.GetProperty("voter").GetString()!),
                DateTimeOffset.FromUnixTimeMilliseconds(suspicion.GetProperty("time").GetInt64())));
        }
        return new MembershipEntry
        {
            Address = SiloAddress.Parse(root.GetProperty("address").GetString()!),
            SiloName = root.GetProperty("siloName").GetString()!,
            HttpPort = root.GetProperty("httpPort").GetInt32(),
            Status = parsedStatus,
            StartTime = startTime,
            IAmAliveTime = aliveMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : startTime,
            Suspicions = suspicions,
        };
    }
}
