using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Granary.Testing.Processes;

/// <summary>
/// The built silo executable (src/Silo) as a real process: Kestrel on a free loopback port, Orleans's silo port on
/// another free port and no Orleans gateway unless the test sets them (so silos of parallel tests never collide), a
/// temporary working directory of its own (so the embedded default's data/ lands there), only the Granary settings the
/// test gives as environment variables. Disposal kills it, whether the test passed or not; a test host that exits
/// early kills the leftovers too. Shared by the test projects that run silos as processes (linked source, one copy).
/// </summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 2000;
    private const string SiloPortKey = "Granary__Cluster__SiloPort";
    private const string GatewayPortKey = "Granary__Cluster__GatewayPort";
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    private static readonly HashSet<Process> Live = [];

    static SiloProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillLeftovers();

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly bool _clustered;

    private SiloProcess(string name, Process process, int httpPort, string workingDirectory, bool clustered)
    {
        Name = name;
        _process = process;
        HttpPort = httpPort;
        WorkingDirectory = workingDirectory;
        _clustered = clustered;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public string Name { get; }

    public int HttpPort { get; }

    public Uri BaseAddress { get; }

    public string WorkingDirectory { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>A new client for this silo (the caller disposes it).</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Starts silo <paramref name="name"/> in <paramref name="environmentName"/> with <paramref name="settings"/> as
    /// environment variables; with <paramref name="command"/> (such as <c>migrate</c>) the executable runs that operator
    /// command instead of a silo. Its HTTP address is 127.0.0.1 and <paramref name="httpPort"/>, or a free port.
    /// </summary>
    public static SiloProcess Start(
        string name, IReadOnlyDictionary<string, string> settings, string environmentName = "Production", string? command = null, int? httpPort = null)
    {
        var port = httpPort ?? LoopbackPorts.Free();
        var workingDirectory = Directory.CreateTempSubdirectory("granary-silo-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssemblyPath());
        if (command is not null)
        {
            start.ArgumentList.Add(command);
        }
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
        // Orleans binds its silo port itself and advertises it to the cluster, so "any port" (0) can't be left to the
        // kernel: it is chosen here, as is a missing one (the default, 11111, would be shared by every test's silo).
        if (!settings.TryGetValue(SiloPortKey, out var siloPort) || siloPort == "0")
        {
            var free = LoopbackPorts.Free();
            while (free == port)
            {
                free = LoopbackPorts.Free();
            }
            start.Environment[SiloPortKey] = free.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        // API tests reach the silo over HTTP only; an Orleans gateway would be one more port to collide on.
        start.Environment.TryAdd(GatewayPortKey, "0");

        var clustered = settings.TryGetValue("Granary__Cluster__Membership__Provider", out var provider)
            && !string.Equals(provider, "None", StringComparison.OrdinalIgnoreCase);
        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process, port, workingDirectory, clustered);
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

    /// <summary>Every line the process writes, as it comes (the kept output is only the last lines).</summary>
    public event Action<string>? LineWritten;

    /// <summary>The last <paramref name="lines"/> lines the process wrote.</summary>
    public string OutputTail(int lines)
    {
        lock (_output)
        {
            return string.Join('\n', _output.Skip(Math.Max(0, _output.Count - lines)));
        }
    }

    /// <summary>Everything the process wrote (the last lines, when there were very many).</summary>
    public string Output => OutputTail(MaxOutputLines);

    /// <summary>
    /// Waits until /health/ready answers 200 (and, for a clustered silo, names it Active in the membership view); fails
    /// with the silo's output when it exits or the deadline passes.
    /// </summary>
    public Task WaitReadyAsync(TimeSpan timeout) =>
        WaitForOkAsync("/health/ready", timeout, body => !_clustered || IsActive(body));

    /// <summary>Polls <paramref name="path"/> until it answers 200 (with a body <paramref name="accept"/> takes) and returns that body.</summary>
    public async Task<string> WaitForOkAsync(string path, TimeSpan timeout, Func<string, bool>? accept = null, (string User, string Password)? asOperator = null)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        if (asOperator is var (user, password))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} exited with code {_process.ExitCode} before {path} answered. Output:\n{OutputTail(60)}");
            }
            try
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body}";
                if (response.StatusCode == HttpStatusCode.OK && (accept is null || accept(body)))
                {
                    return body;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Silo {Name}: {path} was not ready within {timeout}; last answer: {last}. Output:\n{OutputTail(60)}");
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
            // A file still held by the OS; the temp folder is the system's to clean.
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
                // Healthy means Active in the cluster (the detail saying so is the operator's to read).
                p.GetProperty("component").GetString() == "silo" && p.GetProperty("healthy").GetBoolean());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
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
        LineWritten?.Invoke(line);
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > MaxOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>src/Silo's build output for the configuration these tests were built in.</summary>
    private static string SiloAssemblyPath()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot.Path, "src", "Silo", "bin", configuration, "net10.0", "Granary.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build src/Silo ({configuration}) first: {path} is missing.", path);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>The folder holding App.sln.</summary>
internal static class RepositoryRoot
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
