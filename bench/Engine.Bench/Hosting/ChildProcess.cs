using System.Diagnostics;

namespace Granary.Engine.Bench.Hosting;

/// <summary>
/// A process the bench starts (a child silo): its output lines go to a callback and the last ones are kept for error
/// messages; its CPU time can be read; it is killed when disposed and, as a last resort, when this process exits,
/// so no silo outlives a failed or interrupted bench.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 80;
    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(10);
    private static readonly List<Process> Running = [];
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The child's stdin (redirected only when the start info asked for it).</summary>
    public StreamWriter StandardInput => _process.StandardInput;

    /// <summary>CPU time the process used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The last lines the child wrote (stdout and stderr), for error messages.</summary>
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

    /// <summary>Starts <paramref name="start"/> with stdout and stderr redirected; every line goes to <paramref name="onLine"/> too.</summary>
    public static ChildProcess Start(string name, ProcessStartInfo start, Action<string>? onLine = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, onLine);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, onLine);
        lock (Running)
        {
            process.Start();
            Running.Add(process);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the process to exit; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var bounded = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(bounded.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Kills the process (and its children) if it still runs, then reaps it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            if (!await WaitForExitAsync(ReapTimeout))
            {
                await Console.Error.WriteLineAsync($"bench: {Name} (pid {_process.Id}) did not exit within {ReapTimeout.TotalSeconds:0} s of SIGKILL.");
            }
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"bench: could not kill {Name}: {ex.Message}");
        }
        lock (Running)
        {
            Running.Remove(_process);
        }
        _process.Dispose();
    }

    private void OnLine(string? line, Action<string>? onLine)
    {
        if (line is null)
        {
            return;
        }
        onLine?.Invoke(line);
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
