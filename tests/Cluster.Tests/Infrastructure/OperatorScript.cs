using System.Diagnostics;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>What one run of a script under scripts/ did.</summary>
internal sealed record ScriptResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"$ {Command} -> exit {ExitCode}\n--- stdout ---\n{Stdout}--- stderr ---\n{Stderr}";
}

/// <summary>Runs a script of scripts/ with bash, only the given variables added to the environment, within a deadline.</summary>
internal static class OperatorScript
{
    public static async Task<ScriptResult> RunAsync(string script, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add(Path.Combine("scripts", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/{script} did not finish within {timeout}; its error output so far: {(stderr.IsCompleted ? await stderr : "(unread)")}");
        }
        return new ScriptResult($"scripts/{script} {string.Join(' ', arguments)}", process.ExitCode, await stdout, await stderr);
    }
}
