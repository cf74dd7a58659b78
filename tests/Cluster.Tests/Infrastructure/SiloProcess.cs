using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// The built silo executable (src/Silo) as a real process: HTTP on a free loopback port, a working directory of its
/// own, the environment the test gives it. It can be stopped gracefully (SIGTERM), crashed (SIGKILL) or frozen
/// (SIGSTOP / SIGCONT). Its console output is kept for failure messages.
/// </summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 2000;

    /// <summary>Every silo still running, killed if the test host exits before the tests dispose them (an aborted run).</summary>
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
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>Its Granary:SiloName, which is also the siloName of its membership row.</summary>
    public string Name { get; }

    public int HttpPort { get; }

    public string WorkingDirectory { get; }

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var workingDirectory = Directory.CreateTempSubdirectory("granary-cluster-silo-").FullName;
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
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Granary__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        start.Environment["Granary__SiloName"] = name;

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

    /// <summary>The last <paramref name="lines"/> lines the process wrote.</summary>
    public string OutputTail(int lines)
    {
        lock (_output)
        {
            return string.Join('\n', _output.Skip(Math.Max(0, _output.Count - lines)));
        }
    }

    /// <summary>Waits until /health/ready answers 200 and says the silo is Active in the cluster; fails with the silo's output after the deadline.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
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
                using var response = await Http.GetAsync("/health/ready");
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body}";
                if (response.StatusCode == HttpStatusCode.OK && IsActive(body))
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
                throw new TimeoutException($"Silo {Name} was not ready (200 and Active in the cluster) within {timeout}; last answer: {last}. Output:\n{OutputTail(60)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A crash: SIGKILL, nothing runs afterwards.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Freezes the process (SIGSTOP), as a long GC pause or a starved VM would.</summary>
    public void Pause() => Signal(SigStop, "SIGSTOP");

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public void Resume() => Signal(SigCont, "SIGCONT");

    /// <summary>Sends SIGTERM, as a container runtime or systemd does, and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        Signal(SigTerm, "SIGTERM");
        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Silo {Name} did not exit within {timeout}. Output:\n{OutputTail(60)}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                // SIGKILL ends a SIGSTOPped process too.
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
            // A file still held by the OS; the temp folder is cleaned by the system.
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
        catch (JsonException)
        {
            return false;
        }
    }

    private void Signal(int signal, string name)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({name}) on silo {Name} (pid {_process.Id}) failed with errno {Marshal.GetLastPInvokeError()}.");
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
        var baseDirectory = AppContext.BaseDirectory;
        var configuration = baseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(baseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "App.sln")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            throw new InvalidOperationException($"No App.sln above {baseDirectory}.");
        }
        var path = Path.Combine(root.FullName, "src", "Silo", "bin", configuration, "net10.0", "Granary.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build src/Silo ({configuration}) first: {path} is missing.", path);
    }

    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
