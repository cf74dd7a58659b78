using System.Diagnostics;
using System.Security.Cryptography;

namespace Granary.Bench;

/// <summary>
/// What the cluster scenarios share: Redis and PostgreSQL (env <c>GRANARY_TEST_REDIS</c>, <c>GRANARY_TEST_POSTGRES</c>),
/// the built silo executable (env <c>GRANARY_BENCH_SILO_DLL</c>), the run's own Redis key prefix (membership and
/// reminders), and the environment a silo process needs to join one cluster id with DEFAULT cluster timings (only
/// addresses, ports, providers and logging are set). A clustered silo must share storage and reminders: PostgreSQL
/// and Redis (the ping grains touch neither).
/// </summary>
public sealed class BenchCluster(MembershipRows rows, string postgres, string siloDll) : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public MembershipRows Rows { get; } = rows;

    public string SiloDll { get; } = siloDll;

    /// <summary>The Npgsql connection string of the shared grain storage.</summary>
    public string Postgres { get; } = postgres;

    /// <summary>Known to every silo of the run, as the transport handshake requires.</summary>
    public string SharedSecret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public static async Task<BenchCluster> ConnectAsync()
    {
        var redis = Environment.GetEnvironmentVariable("GRANARY_TEST_REDIS") is { Length: > 0 } r
            ? r
            : throw new InvalidOperationException("GRANARY_TEST_REDIS is not set (bench/run.sh cluster starts Redis with scripts/services.sh and sets it).");
        var postgres = Environment.GetEnvironmentVariable("GRANARY_TEST_POSTGRES") is { Length: > 0 } p
            ? p
            : throw new InvalidOperationException("GRANARY_TEST_POSTGRES is not set (bench/run.sh cluster starts PostgreSQL with scripts/services.sh and sets it).");
        var siloDll = Environment.GetEnvironmentVariable("GRANARY_BENCH_SILO_DLL") is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("GRANARY_BENCH_SILO_DLL is not set (bench/run.sh cluster builds src/Silo and sets it).");
        return new BenchCluster(await MembershipRows.ConnectAsync(redis), postgres, siloDll);
    }

    /// <summary>A new cluster id under the run's prefix.</summary>
    public static string NewClusterId(string purpose) => $"{purpose}-{Guid.NewGuid():N}"[..(purpose.Length + 9)];

    /// <summary>
    /// The environment of a silo process in <paramref name="clusterId"/>: Redis membership, loopback, any free silo
    /// port, PostgreSQL storage, Redis reminders under the run's prefix, and with <paramref name="quiet"/> only warnings logged (no per-call output).
    /// </summary>
    public Dictionary<string, string> SiloEnvironment(string clusterId, bool quiet, string? grainAssembly = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Granary__ClusterId"] = clusterId,
            ["Granary__Cluster__Membership__Provider"] = "Redis",
            ["Granary__Cluster__Membership__Redis__Configuration"] = Rows.Configuration,
            ["Granary__Cluster__Membership__Redis__KeyPrefix"] = Rows.KeyPrefix,
            ["Granary__Cluster__SharedSecret"] = SharedSecret,
            ["Granary__Cluster__SiloPort"] = "0",
            ["Granary__Cluster__ListenAddress"] = "127.0.0.1",
            ["Granary__Cluster__AdvertisedHost"] = "127.0.0.1",
            ["Granary__Storage__Provider"] = "Postgres",
            ["Granary__Storage__Postgres__ConnectionString"] = Postgres,
            ["Granary__Reminders__Provider"] = "Redis",
            ["Granary__Reminders__Redis__Configuration"] = Rows.Configuration,
            ["Granary__Reminders__Redis__KeyPrefix"] = Rows.KeyPrefix,
        };
        if (quiet)
        {
            environment["Logging__LogLevel__Default"] = "Warning";
            environment["Logging__LogLevel__Granary.Runtime"] = "Warning";
        }
        if (grainAssembly is not null)
        {
            environment["Granary__GrainAssemblies__0"] = grainAssembly;
        }
        return environment;
    }

    /// <summary>Waits until <paramref name="silo"/>'s row is Active and returns it (the row carries the HTTP port).</summary>
    public Task<MembershipRow> WaitForActiveAsync(string clusterId, SiloProcess silo, TimeSpan timeout) =>
        Rows.WaitForAsync(clusterId, r => r.SiloName == silo.Name && r.Status == "Active", timeout, TimeSpan.FromMilliseconds(50),
            () => silo.HasExited, () => silo.HasExited ? $"Silo {silo.Name} exited. Its output:\n{silo.Tail}" : $"Silo {silo.Name} output:\n{silo.Tail}");

    /// <summary>Polls a silo process's /health/ready until its view lists <paramref name="silos"/> Active silos.</summary>
    public static async Task WaitForViewAsync(SiloProcess silo, int httpPort, int silos, TimeSpan timeout)
    {
        var expected = $"with {silos} active silos";
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var last = "";
        while (Stopwatch.GetTimestamp() < deadline && !silo.HasExited)
        {
            try
            {
                last = await Http.GetStringAsync($"http://127.0.0.1:{httpPort}/health/ready");
                if (last.Contains(expected, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Silo {silo.Name}'s view did not reach {silos} active silos within {timeout.TotalSeconds:0} s; last /health/ready: {last}\nIts output:\n{silo.Tail}");
    }

    /// <summary>Deletes the run's Redis keys (dispose after the silos).</summary>
    public ValueTask DisposeAsync() => Rows.DisposeAsync();
}
