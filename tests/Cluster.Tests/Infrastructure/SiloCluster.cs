using Granary.Testing.Processes;
using System.Globalization;
using System.Text;
using Granary.Cluster.Tests.Grains;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// A cluster of real silo processes (the built src/Silo with the test grains loaded) on loopback, sharing Orleans's Redis
/// membership table, PostgreSQL grain storage and Redis reminders under a ServiceId unique to the run; plus, when asked,
/// the in-process <see cref="TestSilo"/> the test calls grains through. Disposal kills every process it started, stops
/// the test silo, and removes the run's Redis keys and grain rows, whether the test passed or not.
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string> _settings;
    private readonly List<SiloProcess> _started = [];
    private TestSilo? _testSilo;
    private int _nextSilo;

    private SiloCluster(string runId, Dictionary<string, string> settings, MembershipReader membership)
    {
        RunId = runId;
        _settings = settings;
        Membership = membership;
    }

    /// <summary>Unique to this run: the ServiceId and ClusterId, and the prefix of every grain key the test uses.</summary>
    public string RunId { get; }

    /// <summary>Silo processes started and not yet stopped or killed, oldest first.</summary>
    public List<SiloProcess> Running { get; } = [];

    /// <summary>Every silo process started, in order: silo-1, silo-2, …</summary>
    public IReadOnlyList<SiloProcess> Started => _started;

    public TestSilo TestSilo => _testSilo ?? throw new InvalidOperationException("This cluster was started without the in-process test silo.");

    public MembershipReader Membership { get; }

    /// <summary>How long <see cref="StartAsync"/> took, until every silo was Active.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <summary>
    /// Starts <paramref name="processes"/> silo processes with <paramref name="timings"/> and the test's own
    /// <paramref name="settings"/>, waits until all are Active, then starts the in-process <see cref="TestSilo"/> if <paramref name="withTestSilo"/>.
    /// </summary>
    public static async Task<SiloCluster> StartAsync(
        int processes, DetectionTimings timings, IReadOnlyDictionary<string, string>? settings = null, bool withTestSilo = true)
    {
        var starting = System.Diagnostics.Stopwatch.StartNew();
        await TestServices.RequireBothAsync();
        var runId = ClusterSettings.NewRunId("ct");
        var shared = ClusterSettings.For(runId, timings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            shared[key] = value;
        }
        var cluster = new SiloCluster(runId, shared, await MembershipReader.ConnectAsync(TestServices.Redis, runId, runId));
        try
        {
            var silos = Enumerable.Range(0, processes).Select(_ => cluster.Launch()).ToList();
            await Task.WhenAll(silos.Select(silo => silo.WaitReadyAsync(StartTimeout)));
            cluster.Running.AddRange(silos);
            if (withTestSilo)
            {
                cluster._testSilo = await TestSilo.StartAsync(shared);
            }
            await cluster.WaitForMembersAsync(TimeSpan.FromSeconds(15));
            cluster.StartedIn = starting.Elapsed;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo process, waits until it is Active and the table lists exactly the running silos as Active.</summary>
    public async Task<SiloProcess> StartSiloAsync()
    {
        var silo = Launch();
        await silo.WaitReadyAsync(StartTimeout);
        Running.Add(silo);
        await WaitForMembersAsync(TimeSpan.FromSeconds(15));
        return silo;
    }

    /// <summary>
    /// Waits until the table's Active rows are exactly the running silos (and the test silo), one per name, and the
    /// test silo's own view says the same: it learns of a change by gossip, a moment after the table has it.
    /// </summary>
    public async Task WaitForMembersAsync(TimeSpan timeout)
    {
        var expected = Running.Select(s => s.Name).Concat(_testSilo is null ? [] : [TestSilo.Name]).Order(StringComparer.Ordinal).ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await Membership.ReadAsync();
            var active = rows.Where(r => r.Status == "Active").Select(r => r.SiloName).Order(StringComparer.Ordinal).ToList();
            var view = _testSilo?.ActiveInView() ?? expected;
            if (active.SequenceEqual(expected) && view.SequenceEqual(expected))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The membership table and the test silo's view did not list exactly {string.Join(", ", expected)} as Active within {timeout}; " +
                    $"the table has: {MembershipReader.Describe(rows)}; the test silo's view: {string.Join(", ", view)}");
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
                throw new TimeoutException($"Silo {siloName}'s membership row did not become {status} within {timeout}; table: {MembershipReader.Describe(await Membership.ReadAsync())}");
            }
            await Task.Delay(25);
        }
    }

    /// <summary>The warnings, errors and last lines of every silo's output, and the client's log, for a failure message.</summary>
    public string Diagnostics(int lines = 40)
    {
        var text = new StringBuilder();
        foreach (var silo in _started)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"----- {silo.Name} (pid {silo.ProcessId}{(silo.HasExited ? ", exited" : "")}) -----");
            var warnings = silo.Output.Split('\n').Where(l => l.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"{warnings.Count} warnings and errors; the last ones:");
            foreach (var warning in warnings.TakeLast(lines))
            {
                text.AppendLine(warning.Length > 600 ? warning[..600] + "…" : warning);
            }
            text.AppendLine("last lines:");
            text.AppendLine(silo.OutputTail(lines));
        }
        if (_testSilo is not null)
        {
            text.AppendLine($"----- {TestSilo.Name} (in the test process) -----");
            text.AppendLine(_testSilo.Log.Tail(lines));
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_testSilo is not null)
        {
            await _testSilo.DisposeAsync();
        }
        await Task.WhenAll(_started.Select(s => s.DisposeAsync().AsTask()));
        await Membership.DisposeAsync();
        await TestData.DeleteRedisKeysAsync(TestServices.Redis, RunId);
        await TestData.DeleteGrainStateAsync(TestServices.Postgres, RunId);
    }

    /// <summary>Starts the next silo process with the test grains loaded and a silo port of its own (no gateway: no Orleans client connects).</summary>
    private SiloProcess Launch()
    {
        var environment = ClusterSettings.AsEnvironment(_settings);
        environment["Granary__GrainAssemblies__0"] = typeof(ICounterGrain).Assembly.Location;
        environment["Granary__Cluster__SiloPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);
        environment["Granary__Cluster__GatewayPort"] = "0";
        var silo = SiloProcess.Start($"silo-{++_nextSilo}", environment);
        _started.Add(silo);
        return silo;
    }
}
