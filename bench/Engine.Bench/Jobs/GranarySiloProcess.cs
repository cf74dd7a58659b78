using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Granary.Engine.Bench.Cluster;
using Granary.Engine.Bench.Hosting;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// Granary's silo executable (the Release build of src/Silo, env <c>GRANARY_BENCH_SILO_DLL</c>) as a child process in
/// the bench's cluster: the cluster profile of src/Hosting (Redis membership and reminders, PostgreSQL storage) with
/// the run's service id and cluster id, loopback endpoints on a free silo port, no gateway, HTTP on a free loopback
/// port, Production, warnings only, a random signing key, and loopback allowed as a webhook target. Stopped with
/// SIGTERM (it leaves the cluster gracefully), killed when that takes too long.
/// </summary>
internal sealed class GranarySiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan GracefulExit = TimeSpan.FromSeconds(20);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// The operator credential the bench's silos are given: /health/ready names the active silos only to the operator
    /// (anyone else reads ready or not), and the bench waits for that count.
    /// </summary>
    private static readonly (string User, string Password) Operator = ("bench", Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));
    private readonly ChildProcess _process;
    private readonly string _workingDirectory;

    private GranarySiloProcess(ChildProcess process, string workingDirectory, int httpPort, int siloPort)
    {
        _process = process;
        _workingDirectory = workingDirectory;
        HttpPort = httpPort;
        SiloPort = siloPort;
    }

    public int HttpPort { get; }

    /// <summary>The silo port, by which its silo address is recognised.</summary>
    public int SiloPort { get; }

    public string Name => _process.Name;

    /// <summary>CPU time the process used so far.</summary>
    public TimeSpan CpuTime => _process.CpuTime;

    /// <summary>The path of the built silo executable, from <c>GRANARY_BENCH_SILO_DLL</c>.</summary>
    public static string DllPath()
    {
        var path = Environment.GetEnvironmentVariable("GRANARY_BENCH_SILO_DLL") is { Length: > 0 } p
            ? p
            : throw new InvalidOperationException("GRANARY_BENCH_SILO_DLL is not set (bench/run.sh jobs builds src/Silo in Release and sets it).");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The silo executable '{path}' does not exist: build src/Silo in Release first.", path);
    }

    /// <summary>Starts silo <paramref name="name"/> of the cluster <paramref name="settings"/> describe, its grain state in <paramref name="postgres"/>.</summary>
    public static GranarySiloProcess Start(string siloDll, string name, ClusterSettings settings, string postgres, string allowedTarget)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("granary-bench-silo-").FullName;
        var httpPort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(siloDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");
        // Settings of whoever started the bench must not leak into the silo.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Granary__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in SiloEnvironment(name, settings, postgres, allowedTarget))
        {
            start.Environment[key] = value;
        }
        return new GranarySiloProcess(ChildProcess.Start(name, start), workingDirectory, httpPort, settings.SiloPort);
    }

    /// <summary>Polls <c>/health/ready</c> until this silo's view lists <paramref name="silos"/> active silos.</summary>
    public async Task WaitForViewAsync(int silos, TimeSpan timeout)
    {
        var expected = $"with {silos} active silo{(silos == 1 ? "" : "s")}";
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var last = "";
        while (!_process.HasExited && Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                // 503 while not ready: its body still says why.
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{HttpPort}/health/ready");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Operator.User}:{Operator.Password}")));
                using var response = await Http.SendAsync(request);
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && last.Contains(expected, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            await Task.Delay(100);
        }
        var why = _process.HasExited ? $"exited (code {_process.ExitCode})" : $"did not see {silos} active silos within {timeout.TotalSeconds:0} s";
        throw new TimeoutException($"{Name} {why}; last /health/ready: {last}\nIts last lines:\n{_process.Tail}");
    }

    /// <summary>SIGTERM and a bounded wait (the silo leaves the cluster), then SIGKILL if needed; the working directory goes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.Terminate);
            if (!await _process.WaitForExitAsync(GracefulExit))
            {
                await Console.Error.WriteLineAsync($"bench: {Name} did not stop within {GracefulExit.TotalSeconds:0} s of SIGTERM; killing it.");
            }
        }
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temp clean-up.
        }
    }

    /// <summary>src/Hosting's cluster profile, as scripts/cluster.sh configures it, for the bench's cluster.</summary>
    private static Dictionary<string, string> SiloEnvironment(string name, ClusterSettings settings, string postgres, string allowedTarget) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Granary__SiloName"] = name,
        ["Granary__ServiceId"] = settings.ServiceId,
        ["Granary__ClusterId"] = settings.ClusterId,
        ["Granary__Cluster__Membership__Provider"] = "Redis",
        ["Granary__Cluster__Membership__Redis__Configuration"] = settings.Redis,
        ["Granary__Cluster__SiloPort"] = settings.SiloPort.ToString(CultureInfo.InvariantCulture),
        ["Granary__Cluster__GatewayPort"] = "0",
        ["Granary__Cluster__ListenAddress"] = "127.0.0.1",
        ["Granary__Cluster__AdvertisedAddress"] = "127.0.0.1",
        ["Granary__Storage__Provider"] = "Postgres",
        ["Granary__Storage__Postgres__ConnectionString"] = postgres,
        ["Granary__Reminders__Provider"] = "Redis",
        ["Granary__Reminders__Redis__Configuration"] = settings.Redis,
        ["Granary__Webhooks__AllowedTargets__0"] = allowedTarget,
        ["Granary__Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Granary__Dashboard__Username"] = Operator.User,
        ["Granary__Dashboard__Password"] = Operator.Password,
    };
}
