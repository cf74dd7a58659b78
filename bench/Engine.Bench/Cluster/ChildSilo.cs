using System.Diagnostics;
using System.Reflection;
using Granary.Engine.Bench.Hosting;

namespace Granary.Engine.Bench.Cluster;

/// <summary>
/// A silo in a child process: this very bench executable in <see cref="SiloMode"/>. Collects its control lines,
/// keeps the last lines of its logs for error messages (<see cref="ChildProcess"/>), and sends it signals. A child
/// exits by itself when its stdin closes; it is killed when it does not leave in time, when it is disposed paused,
/// and as a last resort when this process exits.
/// </summary>
internal sealed class ChildSilo : IAsyncDisposable
{
    private static readonly TimeSpan GracefulExit = TimeSpan.FromSeconds(20);
    private readonly List<string[]> _messages = [];
    private ChildProcess _process = null!;

    private ChildSilo(string name) => Name = name;

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The silo address (parsable form), set once the silo said it is ready (its row is Active by then).</summary>
    public string? Address { get; private set; }

    /// <summary>True between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>CPU time the process used so far.</summary>
    public TimeSpan CpuTime => _process.CpuTime;

    /// <summary>The last lines the child wrote, for error messages.</summary>
    public string Tail => _process.Tail;

    /// <summary>Starts a child silo with <paramref name="settings"/> and a bounded lifetime.</summary>
    public static ChildSilo Start(string name, ClusterSettings settings, TimeSpan lifetime)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardInput = true };
        // Run through the dotnet host the same way this process was started.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        foreach (var argument in new[] { "silo" }.Concat(settings.ToArguments()).Concat(["--lifetime-s", ((int)lifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            start.ArgumentList.Add(argument);
        }
        var child = new ChildSilo(name);
        child._process = ChildProcess.Start($"silo {name}", start, child.OnLine);
        return child;
    }

    /// <summary>Waits for a control line whose words (after the prefix) match; fails on timeout or when the child exits.</summary>
    public async Task<string[]> WaitForAsync(string what, Func<string[], bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var seen = 0;
        while (true)
        {
            lock (_messages)
            {
                for (; seen < _messages.Count; seen++)
                {
                    if (match(_messages[seen]))
                    {
                        return _messages[seen];
                    }
                }
            }
            if (HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} exited (code {_process.ExitCode}) while waiting for {what}. Its last lines:\n{Tail}");
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Silo {Name}: no {what} within {timeout.TotalSeconds:0} s. Its last lines:\n{Tail}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the child's own view lists <paramref name="silos"/> Active silos.</summary>
    public Task WaitForViewAsync(int silos, TimeSpan timeout) =>
        WaitForAsync($"a view of {silos} active silos", m => m is ["view", _, var n] && n == silos.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout);

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL: the silo gets no chance to write or say anything.</summary>
    public void Kill() => Signals.Send(_process.Id, Signals.Kill);

    /// <summary>SIGSTOP: the process stands still, its sockets stay open (a stall, or a host that stopped answering).</summary>
    public void Pause()
    {
        Signals.Send(_process.Id, Signals.Stop);
        IsPaused = true;
    }

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        Signals.Send(_process.Id, Signals.Continue);
        IsPaused = false;
    }

    /// <summary>Asks a running child to leave the cluster and exit (bounded), else kills it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited && !IsPaused)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The pipe is already broken: the kill below does the job.
            }
            if (!await _process.WaitForExitAsync(GracefulExit))
            {
                await Console.Error.WriteLineAsync($"bench: silo {Name} did not exit within {GracefulExit.TotalSeconds:0} s of its stdin closing; killing it.");
            }
        }
        await _process.DisposeAsync();
    }

    /// <summary>Collects control lines (the <see cref="SiloMode.Prefix"/> ones); <see cref="ChildProcess"/> keeps every line's tail.</summary>
    private void OnLine(string line)
    {
        if (!line.StartsWith(SiloMode.Prefix, StringComparison.Ordinal))
        {
            return;
        }
        var words = line[SiloMode.Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["ready", var address])
        {
            Address = address;
        }
        lock (_messages)
        {
            _messages.Add(words);
        }
    }
}
