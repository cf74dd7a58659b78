using System.Globalization;
using System.Security.Cryptography;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>Failure-detection timings the silos run with.</summary>
internal enum DetectionTimings
{
    /// <summary>src/Hosting's defaults (nothing set), as a production cluster runs: probes every 2 s, 3 misses, 2 votes.</summary>
    Defaults,

    /// <summary>Test timings: probes every 1 s, a silo that missed 2 is probed through another silo, then voted dead.</summary>
    Fast,
}

/// <summary>The Granary configuration every silo of one test run shares (the per-silo name and ports come on top).</summary>
internal static class ClusterSettings
{
    /// <summary>
    /// Shortest reminder period the silos accept. The probes tick every second, and orders retry their outbox hand-over
    /// on a reminder with Granary:Events:OutboxRetry as its period, which the tests shorten to seconds.
    /// </summary>
    public static readonly TimeSpan MinimumReminderPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Settings for run <paramref name="runId"/>: it is the ServiceId (which keys grain rows, the membership hash
    /// <c>{ServiceId}/members/{ClusterId}</c> and the reminder set <c>{ServiceId}/reminders</c>) and the ClusterId.
    /// </summary>
    public static Dictionary<string, string> For(string runId, DetectionTimings timings)
    {
        var settings = new Dictionary<string, string>
        {
            ["Granary:ServiceId"] = runId,
            ["Granary:ClusterId"] = runId,
            ["Granary:Cluster:Membership:Provider"] = "Redis",
            ["Granary:Cluster:Membership:Redis:Configuration"] = TestServices.Redis,
            ["Granary:Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Granary:Cluster:ListenAddress"] = "127.0.0.1",
            ["Granary:Storage:Provider"] = "Postgres",
            // Three silos share the server with other test runs: keep each pool well under max_connections.
            ["Granary:Storage:Postgres:ConnectionString"] = TestServices.Postgres + ";Maximum Pool Size=30",
            ["Granary:Reminders:Provider"] = "Redis",
            ["Granary:Reminders:Redis:Configuration"] = TestServices.Redis,
            ["Granary:Reminders:MinimumPeriod"] = MinimumReminderPeriod.ToString("c", CultureInfo.InvariantCulture),
            // The API refuses to issue tokens in Production without a signing key; one for all, so any silo accepts any token.
            ["Granary:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            // One line per HTTP request would push the runtime's warnings out of the output a failure prints.
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        if (timings == DetectionTimings.Fast)
        {
            settings["Granary:Cluster:ProbeTimeout"] = "00:00:01";
            settings["Granary:Cluster:MissedProbesLimit"] = "2";
            settings["Granary:Cluster:VotesForDeath"] = "2";
        }
        return settings;
    }

    /// <summary>A fresh run id: lower-case letters and digits, unique enough to share Redis and PostgreSQL with other runs.</summary>
    public static string NewRunId(string prefix) => prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();

    /// <summary>The settings as environment variables (<c>Granary__Cluster__SiloPort</c>).</summary>
    public static Dictionary<string, string> AsEnvironment(IReadOnlyDictionary<string, string> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
}
