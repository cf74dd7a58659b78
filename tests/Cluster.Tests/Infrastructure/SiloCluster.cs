using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Granary.Cluster.Tests.Grains;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>Failure-detection timings the silos run with.</summary>
internal enum DetectionTimings
{
    /// <summary>The silo's defaults (nothing set): a killed silo is declared dead within 10 s.</summary>
    Defaults,

    /// <summary>Test timings: probes every 250 ms, 3 misses, death timeout 4 s; reminders polled every 200 ms with 3 s leases.</summary>
    Fast,
}

/// <summary>
/// A cluster of real silo processes (the built src/Silo) on loopback, sharing a Redis membership table, PostgreSQL
/// grain storage and Redis reminders, all under names unique to this run; plus the in-process <see cref="ClientSilo"/>
/// the test calls grains through. Disposal kills every process it started, stops the client, and removes the run's
/// Redis keys and grain rows, whether the test passed or not.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string> _settings;
    private readonly List<SiloProcess> _started = [];
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private int _nextSilo;

    private SiloCluster(string runId, Dictionary<string, string> settings, MembershipTableReader membership)
    {
        RunId = runId;
        _settings = settings;
        Membership = membership;
    }

    /// <summary>Unique to this run: the Redis key prefix, and the prefix of every grain key the test uses.</summary>
    public string RunId { get; }

    public string ClusterId => _settings["Granary:ClusterId"];

    /// <summary>Silo processes started and not yet stopped or killed, oldest first.</summary>
    public List<SiloProcess> Running { get; } = [];

    public ClientSilo Client { get; private set; } = null!;

    public MembershipTableReader Membership { get; }

    /// <summary>Starts <paramref name="processes"/> silo processes and the client silo, and waits until all of them are Active.</summary>
    public static async Task<SiloCluster> StartAsync(int processes, DetectionTimings timings)
    {
        await TestServices.RequireBothAsync();
        var runId = $"ct{Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant()}";
        var settings = Settings(runId, timings);
        var cluster = new SiloCluster(runId, settings, await MembershipTableReader.ConnectAsync(TestServices.Redis, runId, settings["Granary:ClusterId"]));
        try
        {
            var silos = Enumerable.Range(0, processes).Select(_ => cluster.Launch()).ToList();
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(StartTimeout)));
            cluster.Running.AddRange(silos);
            cluster.Client = await ClientSilo.StartAsync("test-client", settings, typeof(ICounterGrain).Assembly);
            await cluster.WaitForMembersAsync(TimeSpan.FromSeconds(15));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo process, waits until it is ready and the table lists exactly the running silos as Active.</summary>
    public async Task<SiloProcess> StartSiloAsync()
    {
        var silo = Launch();
        await silo.WaitReadyAsync(StartTimeout);
        Running.Add(silo);
        await WaitForMembersAsync(TimeSpan.FromSeconds(15));
        return silo;
    }

    /// <summary>Waits until the table's Active rows are exactly the running silos and the client, one per name.</summary>
    public async Task WaitForMembersAsync(TimeSpan timeout)
    {
        var expected = Running.Select(s => s.Name).Append(Client.Name).Order().ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await Membership.ReadAsync();
            var active = rows.Where(r => r.Status == "Active").Select(r => r.SiloName).Order().ToList();
            if (active.SequenceEqual(expected))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The membership table did not list exactly {string.Join(", ", expected)} as Active within {timeout}; it has: {Describe(rows)}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Polls the table until the newest row of <paramref name="siloName"/> has <paramref name="status"/>; returns when that was first seen.</summary>
    public async Task<DateTimeOffset> WaitForStatusAsync(string siloName, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var row = await Membership.FindAsync(siloName);
            if (row?.Status == status)
            {
                return DateTimeOffset.UtcNow;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Silo {siloName}'s membership row did not become {status} within {timeout}; table: {Describe(await Membership.ReadAsync())}");
            }
            await Task.Delay(25);
        }
    }

    /// <summary>The last lines of every silo's log, for a failure message.</summary>
    public string Diagnostics(int lines = 40)
    {
        var text = new StringBuilder();
        foreach (var silo in _started)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"----- {silo.Name} (pid {silo.ProcessId}{(silo.HasExited ? ", exited" : "")}) -----");
            text.AppendLine(silo.OutputTail(lines));
        }
        if (Client is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"----- {Client.Name} (in process) -----");
            text.AppendLine(Client.Log.Tail(lines));
        }
        return text.ToString();
    }

    public static string Describe(IEnumerable<MembershipRow> rows) =>
        string.Join("; ", rows.OrderBy(r => r.SiloName, StringComparer.Ordinal).Select(r => $"{r.SiloName} {r.Address} {r.Status} ({r.Suspicions} suspicions)"));

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_started.Select(s => s.DisposeAsync().AsTask()));
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }
        await Membership.DisposeAsync();
        await TestData.DeleteRedisKeysAsync(TestServices.Redis, RunId);
        await TestData.DeleteGrainStateAsync(TestServices.Postgres, RunId);
    }

    private SiloProcess Launch()
    {
        var environment = _settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["Granary__GrainAssemblies__0"] = typeof(ICounterGrain).Assembly.Location;
        // The silo co-hosts the HTTP API, which in Production refuses to start without a token signing key.
        environment["Granary__Auth__SigningKey"] = _signingKey;
        var silo = SiloProcess.Start($"silo-{++_nextSilo}", environment);
        _started.Add(silo);
        return silo;
    }

    /// <summary>The Granary configuration every silo of the run shares, the client included.</summary>
    internal static Dictionary<string, string> Settings(string runId, DetectionTimings timings)
    {
        var settings = new Dictionary<string, string>
        {
            ["Granary:ClusterId"] = runId,
            ["Granary:Cluster:Membership:Provider"] = "Redis",
            ["Granary:Cluster:Membership:Redis:Configuration"] = TestServices.Redis,
            ["Granary:Cluster:Membership:Redis:KeyPrefix"] = runId,
            ["Granary:Cluster:SharedSecret"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)),
            ["Granary:Cluster:SiloPort"] = "0",
            ["Granary:Cluster:ListenAddress"] = "127.0.0.1",
            ["Granary:Cluster:AdvertisedHost"] = "127.0.0.1",
            ["Granary:Storage:Provider"] = "Postgres",
            // Three silos share the server with other test runs: keep each pool well under max_connections.
            ["Granary:Storage:Postgres:ConnectionString"] = TestServices.Postgres + ";Maximum Pool Size=30",
            ["Granary:Reminders:Provider"] = "Redis",
            ["Granary:Reminders:Redis:Configuration"] = TestServices.Redis,
            ["Granary:Reminders:Redis:KeyPrefix"] = runId,
        };
        if (timings == DetectionTimings.Fast)
        {
            settings["Granary:Cluster:ProbeInterval"] = "00:00:00.250";
            settings["Granary:Cluster:ProbeTimeout"] = "00:00:00.500";
            settings["Granary:Cluster:MissedProbesLimit"] = "3";
            settings["Granary:Cluster:IAmAlivePeriod"] = "00:00:00.500";
            settings["Granary:Cluster:DeathTimeout"] = "00:00:04";
            settings["Granary:Cluster:RefreshPeriod"] = "00:00:01";
            settings["Granary:Reminders:PollInterval"] = "00:00:00.200";
            settings["Granary:Reminders:LeaseDuration"] = "00:00:03";
        }
        return settings;
    }
}
