using System.Diagnostics;

namespace Granary.WebApi.Tests.Walkthrough;

/// <summary>
/// The runnable examples of the repository's Markdown: fenced blocks opened by a given info string (<c>```sh
/// walkthrough</c>), whose <c># → </c> lines say what the command before them prints, run with bash.
/// </summary>
internal static class ShellExamples
{
    public const string Expected = "# → ";

    /// <summary>The bodies of every block of <paramref name="markdownFile"/> (relative to the repository) opened by <paramref name="fence"/>, in order.</summary>
    public static IReadOnlyList<string> Blocks(string markdownFile, string fence)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, markdownFile));
        var blocks = new List<string>();
        for (var start = Array.IndexOf(lines, fence); start >= 0; start = Array.IndexOf(lines, fence, start + 1))
        {
            var end = Array.IndexOf(lines, "```", start + 1);
            Assert.True(end > start, $"{markdownFile}: the '{fence}' block at line {start + 1} is not closed.");
            blocks.Add(string.Join('\n', lines[(start + 1)..end]) + "\n");
        }
        Assert.True(blocks.Count > 0, $"{markdownFile} has no '{fence}' block.");
        return blocks;
    }

    /// <summary>What <paramref name="script"/> says it prints: its <c># → </c> lines without the marker.</summary>
    public static IReadOnlyList<string> ExpectedOutput(string script) =>
        script.Split('\n').Select(l => l.TrimStart()).Where(l => l.StartsWith(Expected, StringComparison.Ordinal)).Select(l => l[Expected.Length..]).ToList();

    /// <summary>
    /// Runs <paramref name="script"/> with <c>bash -s</c> and <c>set -euo pipefail</c> in <paramref name="workingDirectory"/>
    /// and asserts it exits 0 and prints exactly <see cref="ExpectedOutput"/>; <paramref name="context"/> adds to a failure's message.
    /// </summary>
    public static async Task AssertPrintsWhatItShowsAsync(string script, string workingDirectory, TimeSpan timeout, Func<string> context) =>
        AssertPrintedWhatItShows(script, await RunBashAsync("set -euo pipefail\n" + script, workingDirectory, timeout), context);

    /// <summary>Asserts that <paramref name="run"/> of <paramref name="script"/> exited 0 and printed exactly <see cref="ExpectedOutput"/>.</summary>
    public static void AssertPrintedWhatItShows(string script, (int ExitCode, string Stdout, string Stderr) run, Func<string> context)
    {
        var expected = ExpectedOutput(script);
        var printed = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var report = $"exit code {run.ExitCode}\nstdout:\n{run.Stdout}\nstderr:\n{run.Stderr}\n{context()}";
        Assert.True(run.ExitCode == 0, "The examples failed: " + report);
        Assert.True(expected.SequenceEqual(printed), $"The examples printed other answers than the text shows.\nexpected:\n{string.Join('\n', expected)}\n{report}");
    }

    /// <summary>Runs <paramref name="script"/> with <c>bash -s</c> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunBashAsync(string script, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-s");
        using var bash = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await bash.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw new TimeoutException($"The examples did not finish within {timeout}. stdout so far:\n{await stdout}");
        }
        return (bash.ExitCode, await stdout, await stderr);
    }
}
