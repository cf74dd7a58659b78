using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Granary.WebApi.Tests.Infrastructure;

/// <summary>
/// The built silo executable (src/Silo, API included) as a real process: Kestrel on a free loopback port, a temporary
/// working directory of its own (so the embedded default's data/ lands there), only the Granary settings the test
/// gives. Disposal kills it, whether the test passed or not; a test host that exits early kills the leftovers too.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 2000;

    private static readonly HashSet<Process> Live = [];

    static SiloProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillLeftovers();

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private SiloProcess(string name, Process process, int httpPort, string workingDirectory)
    {
        Name = name;
        _process = process;
        HttpPort = httpPort;
        WorkingDirectory = workingDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public string Name { get; }

    public int HttpPort { get; }

    public Uri BaseAddress { get; }

    public string WorkingDirectory { get; }

    /// <summary>A new client for this silo (the caller disposes it).</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts the silo in <paramref name="environmentName"/> with <paramref name="settings"/> as environment variables.</summary>
    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> settings, string environmentName = "Production")
    {
        var port = FreePort();
        var workingDirectory = Directory.CreateTempSubdirectory("granary-api-silo-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssemblyPath());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var key in start.Environment.Keys
                     .Where(k => k.StartsWith("Granary__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k == "URLS")
                     .ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        start.Environment["DOTNET_ENVIRONMENT"] = environmentName;
        start.Environment["Granary__SiloName"] = name;
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process, port, workingDirectory);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        lock (Live)
        {
            Live.Add(process);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>
    /// Waits until /health/ready answers 200 (and, with <paramref name="clustered"/>, names this silo Active in the
    /// cluster); fails with the silo's output when it exits or the deadline passes.
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout, bool clustered = false)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} exited with code {_process.ExitCode} before it was ready. Output:\n{OutputTail(60)}");
            }
            try
            {
                using var response = await http.GetAsync("/health/ready");
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body}";
                if (response.StatusCode == HttpStatusCode.OK && (!clustered || IsActive(body)))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Silo {Name} was not ready within {timeout}; last answer: {last}. Output:\n{OutputTail(60)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines the process wrote.</summary>
    public string OutputTail(int lines)
    {
        lock (_output)
        {
            return string.Join('\n', _output.Skip(Math.Max(0, _output.Count - lines)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        lock (Live)
        {
            Live.Remove(_process);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held; the temp folder is the system's to clean.
        }
    }

    private static void KillLeftovers()
    {
        lock (Live)
        {
            foreach (var process in Live)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        }
    }

    private static bool IsActive(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.GetProperty("providers").EnumerateArray().Any(p =>
                p.GetProperty("component").GetString() == "cluster"
                && p.GetProperty("healthy").GetBoolean()
                && (p.GetProperty("detail").GetString() ?? "").StartsWith("Active", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > MaxOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>src/Silo's build output for the configuration these tests were built in.</summary>
    private static string SiloAssemblyPath()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot.Path, "src", "Silo", "bin", configuration, "net10.0", "Granary.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build src/Silo ({configuration}) first: {path} is missing.", path);
    }

    /// <summary>A free loopback TCP port (for silo-to-silo traffic).</summary>
    public static int FreeTcpPort() => FreePort();
}

/// <summary>The folder holding App.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "App.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"No App.sln above {AppContext.BaseDirectory}.");
    }
}
