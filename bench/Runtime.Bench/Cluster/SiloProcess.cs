using System.Diagnostics;

namespace Granary.Bench;

/// <summary>
/// The built silo executable (src/Silo) as a real process: <c>dotnet Granary.Silo.dll</c> in a temporary working
/// directory, HTTP on a free loopback port, configured through <c>Granary__*</c> environment variables. Keeps the
/// last lines of its output for error messages. Every started process is killed when the bench process exits,
/// even after a failure.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int KeptLines = 60;
    private static readonly List<Process> Running = [];
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    static SiloProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private SiloProcess(string name, Process process, string workingDirectory)
    {
        Name = name;
        _process = process;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>The silo name (Granary:SiloName), to find its membership row.</summary>
    public string Name { get; }

    public string WorkingDirectory { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>CPU time the process used so far (Linux reads /proc).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The last lines the silo wrote (stdout and stderr).</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>Starts <paramref name="siloDll"/> as silo <paramref name="name"/> with <paramref name="environment"/> (Granary__ variables).</summary>
    public static SiloProcess Start(string siloDll, string name, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(siloDll))
        {
            throw new FileNotFoundException($"The silo executable '{siloDll}' does not exist: build src/Silo in Release first.", siloDll);
        }
        var workingDirectory = Directory.CreateTempSubdirectory("granary-bench-silo-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(siloDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Granary__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Granary__Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        start.Environment["Granary__SiloName"] = name;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, process, workingDirectory);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        lock (Running)
        {
            process.Start();
            Running.Add(process);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: the silo gets no chance to write anything.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(bounded.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            Console.Error.WriteLine($"cluster: silo process {Name} did not exit cleanly after SIGKILL: {ex.Message}");
        }
        lock (Running)
        {
            Running.Remove(_process);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temp cleanup.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > KeptLines)
            {
                _tail.Dequeue();
            }
        }
    }

    private static void KillAll()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        }
    }
}
