using Microsoft.Extensions.Configuration;

namespace Granary.Hosting;

/// <summary>
/// Settings that no longer have an effect (most belonged to the home-made runtime Orleans replaced). They are ignored,
/// but named in a warning at start so that an operator upgrading a deployment learns what changed, and what replaced it.
/// </summary>
internal static class RetiredSettings
{
    private static readonly (string Key, string Instead)[] Keys =
    [
        ("Granary:DeadlineCheckInterval", "Orleans checks call deadlines itself"),
        ("Granary:CollectionQuantum", "Orleans's collection quantum (1 min) applies"),
        ("Granary:Storage:Sqlite:BusyTimeout", "the SQLite connection string sets its own busy timeout"),
        ("Granary:Reminders:Sqlite:BusyTimeout", "the SQLite connection string sets its own busy timeout"),
        ("Granary:Reminders:Redis:KeyPrefix", "reminder keys are '{ServiceId}/reminders': set Granary:ServiceId"),
        ("Granary:Reminders:PollInterval", "Orleans reminders are not polled"),
        ("Granary:Reminders:LeaseDuration", "Orleans reminders hold no leases"),
        ("Granary:Reminders:BucketCount", "Orleans divides reminders by its ring"),
        ("Granary:Reminders:ClaimBatchSize", "Orleans reminders are not claimed in batches"),
        ("Granary:Reminders:MaxAttempts", "Orleans reminders have no one-shot retries"),
        ("Granary:Reminders:RetryBackoffBase", "Orleans reminders have no one-shot retries"),
        ("Granary:Reminders:RetryBackoffMax", "Orleans reminders have no one-shot retries"),
        ("Granary:Reminders:MaxConcurrentDeliveries", "Orleans delivers ticks as grain calls"),
        ("Granary:Cluster:Membership:Redis:KeyPrefix", "membership keys are '{ServiceId}/members/{ClusterId}'"),
        ("Granary:Cluster:SharedSecret", "use Granary:Cluster:Tls:CertificatePath, or keep the silo port on a private network"),
        ("Granary:Cluster:AdvertisedHost", "use Granary:Cluster:AdvertisedAddress (an IP address)"),
        ("Granary:Cluster:DeathTimeout", "tune Granary:Cluster:ProbeTimeout, MissedProbesLimit and VotesForDeath"),
        ("Granary:Cluster:ProbeInterval", "Granary:Cluster:ProbeTimeout is also the probe period"),
        ("Granary:Cluster:RefreshPeriod", "Orleans refreshes the table itself"),
        ("Granary:Cluster:SuspicionExpiry", "Orleans's vote expiry (2 min) applies"),
        ("Granary:Cluster:ConnectTimeout", "Orleans's connection options apply"),
        ("Granary:Cluster:MaxFrameBytes", "Orleans's message size limits apply"),
        ("Granary:Cluster:MaxInFlightPerConnection", "Orleans's messaging options apply"),
        ("Granary:Cluster:DeadlineCheckInterval", "Orleans checks call deadlines itself"),
        ("Granary:Jobs:IdempotencyRetention", "an Idempotency-Key is remembered for as long as the order it created exists"),
    ];

    /// <summary>The retired keys this configuration still sets, each with what to use instead.</summary>
    public static IEnumerable<(string Key, string Instead)> PresentIn(IConfiguration configuration) =>
        Keys.Where(k => configuration[k.Key] is not null);
}
