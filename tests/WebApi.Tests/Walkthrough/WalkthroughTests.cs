using System.Diagnostics;
using Granary.WebApi.Tests.Infrastructure;

namespace Granary.WebApi.Tests.Walkthrough;

/// <summary>
/// Runs README.md's <c>```sh walkthrough</c> block, as written, with bash, curl and jq against the silo executable on
/// its embedded default (SQLite under its working directory, Development environment as <c>dotnet run</c> sets it):
/// only <c>localhost:8080</c> is replaced by the test's port. What the block prints must equal its <c># →</c> lines,
/// in order, so the README can't drift from the API without this test failing.
/// </summary>
public sealed class WalkthroughTests
{
    private const string Fence = "```sh walkthrough";
    private const string Expected = "# → ";

    [Fact]
    public async Task ReadmeWalkthrough_RunsAsWritten_AndPrintsWhatItShows()
    {
        var block = ReadmeBlock();
        foreach (var step in new[] { "/auth/register", "/auth/login", "$API/api/v1/orgs -H", "/inventory/SKU-1", "Idempotency-Key: ", "/confirm", "/orders?", "$API/api/v1/orgs/$ORG/inventory -H" })
        {
            Assert.True(block.Contains(step, StringComparison.Ordinal), $"The README walk-through lost its step '{step}'.");
        }
        Assert.Contains("localhost:8080", block);
        var expected = block.Split('\n').Where(l => l.StartsWith(Expected, StringComparison.Ordinal)).Select(l => l[Expected.Length..]).ToList();
        Assert.True(expected.Count >= 6, $"The walk-through shows only {expected.Count} answers.");

        await using var silo = SiloProcess.Start("walkthrough", new Dictionary<string, string>(), environmentName: "Development");
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var script = "set -euo pipefail\n" + block.Replace("localhost:8080", $"127.0.0.1:{silo.HttpPort}", StringComparison.Ordinal);

        var (exitCode, stdout, stderr) = await RunBashAsync(script, silo.WorkingDirectory, TimeSpan.FromSeconds(60));

        var printed = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var context = $"exit code {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}\nsilo:\n{silo.OutputTail(30)}";
        Assert.True(exitCode == 0, "The walk-through failed: " + context);
        Assert.True(expected.SequenceEqual(printed), $"The walk-through printed other answers than the README shows.\nexpected:\n{string.Join('\n', expected)}\n{context}");
    }

    /// <summary>The fenced block of README.md opened by <c>```sh walkthrough</c>.</summary>
    private static string ReadmeBlock()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "README.md"));
        var start = Array.IndexOf(lines, Fence);
        Assert.True(start >= 0, $"README.md has no '{Fence}' block.");
        Assert.True(Array.IndexOf(lines, Fence, start + 1) < 0, $"README.md has more than one '{Fence}' block.");
        var end = Array.IndexOf(lines, "```", start + 1);
        Assert.True(end > start, "The walk-through block is not closed.");
        return string.Join('\n', lines[(start + 1)..end]) + "\n";
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunBashAsync(string script, string workingDirectory, TimeSpan timeout)
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
            throw new TimeoutException($"The walk-through did not finish within {timeout}. stdout so far:\n{await stdout}");
        }
        return (bash.ExitCode, await stdout, await stderr);
    }
}
