using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// Silo processes (the built src/Silo, with the domain grains and the HTTP API) forming one cluster on loopback with
/// the shared <see cref="SiloCluster.Settings"/> (Redis membership and reminders, PostgreSQL storage, run-unique
/// names) plus the test's own settings. Unlike <see cref="SiloCluster"/> there is no in-process client silo: the test
/// talks HTTP only, so every grain lives in a silo process. Disposal kills the processes and removes the run's Redis
/// keys and the grain rows under the keys the test named with <see cref="Forget"/>.
/// </summary>
internal sealed class ApiSiloCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _started = [];
    private readonly List<string> _forgotten = [];

    private ApiSiloCluster(string runId, MembershipTableReader membership)
    {
        RunId = runId;
        Membership = membership;
    }

    public string RunId { get; }

    /// <summary>The silos started, in order: silo-1, silo-2, …</summary>
    public IReadOnlyList<SiloProcess> Silos => _started;

    public MembershipTableReader Membership { get; }

    /// <summary>Starts <paramref name="processes"/> silos with fast failure detection and waits until each is Active.</summary>
    public static async Task<ApiSiloCluster> StartAsync(int processes, IReadOnlyDictionary<string, string> settings)
    {
        await TestServices.RequireBothAsync();
        var runId = $"ca{Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant()}";
        var shared = SiloCluster.Settings(runId, DetectionTimings.Fast);
        foreach (var (key, value) in settings)
        {
            shared[key] = value;
        }
        // One line per HTTP request would push the runtime's warnings out of the output a failure prints.
        shared["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        // The API refuses to start in Production without a signing key; one for all, so any silo accepts any token.
        shared["Granary:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var environment = shared.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

        var cluster = new ApiSiloCluster(runId, await MembershipTableReader.ConnectAsync(TestServices.Redis, runId, runId));
        try
        {
            for (var i = 1; i <= processes; i++)
            {
                cluster._started.Add(SiloProcess.Start($"silo-{i}", environment));
            }
            await Task.WhenAll(cluster._started.Select(s => s.WaitReadyAsync(SiloCluster.StartTimeout)));
            await cluster.WaitForActiveAsync(processes, TimeSpan.FromSeconds(20));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Grain rows keyed <paramref name="grainKey"/> or "{grainKey}/…" (an organization's) are deleted at disposal.</summary>
    public void Forget(string grainKey) => _forgotten.Add(grainKey);

    /// <summary>Orders of <paramref name="organizationId"/> stored in PostgreSQL (grain rows, read straight from SQL).</summary>
    public static async Task<long> CountStoredOrdersAsync(string organizationId)
    {
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM granary_grain_state WHERE grain_type = 'order' AND state_name = 'order' AND payload->>'organizationId' = $1", connection);
        count.Parameters.AddWithValue(organizationId);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>Polls the membership table until the newest row of <paramref name="siloName"/> is Dead.</summary>
    public async Task WaitForDeadAsync(string siloName, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await Membership.FindAsync(siloName))?.Status != "Dead")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{siloName} was not declared Dead within {timeout}: {SiloCluster.Describe(await Membership.ReadAsync())}");
            }
            await Task.Delay(25);
        }
    }

    /// <summary>The last lines of every silo's output, for a failure message.</summary>
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
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_started.Select(s => s.DisposeAsync().AsTask()));
        await Membership.DisposeAsync();
        await TestData.DeleteRedisKeysAsync(TestServices.Redis, RunId);
        await using var connection = new NpgsqlConnection(TestServices.Postgres);
        await connection.OpenAsync();
        foreach (var key in _forgotten)
        {
            await using var delete = new NpgsqlCommand("DELETE FROM granary_grain_state WHERE grain_key = $1 OR starts_with(grain_key, $1 || '/')", connection);
            delete.Parameters.AddWithValue(key);
            await delete.ExecuteNonQueryAsync();
        }
    }

    private async Task WaitForActiveAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await Membership.ReadAsync();
            if (rows.Count(r => r.Status == "Active") == count)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The membership table did not list {count} Active silos within {timeout}: {SiloCluster.Describe(rows)}");
            }
            await Task.Delay(50);
        }
    }
}
