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
    [Fact]
    public async Task ReadmeWalkthrough_RunsAsWritten_AndPrintsWhatItShows()
    {
        var blocks = ShellExamples.Blocks("README.md", "```sh walkthrough");
        Assert.True(blocks.Count == 1, $"README.md has {blocks.Count} walk-through blocks; it should have one.");
        var block = blocks[0];
        foreach (var step in new[] { "/auth/register", "/auth/login", "$API/api/v1/orgs -H", "/inventory/SKU-1", "Idempotency-Key: ", "/confirm", "/orders?", "$API/api/v1/orgs/$ORG/inventory -H" })
        {
            Assert.True(block.Contains(step, StringComparison.Ordinal), $"The README walk-through lost its step '{step}'.");
        }
        Assert.Contains("localhost:8080", block);
        var expected = ShellExamples.ExpectedOutput(block);
        Assert.True(expected.Count >= 6, $"The walk-through shows only {expected.Count} answers.");

        await using var silo = SiloProcess.Start("walkthrough", new Dictionary<string, string>(), environmentName: "Development");
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var script = block.Replace("localhost:8080", $"127.0.0.1:{silo.HttpPort}", StringComparison.Ordinal);

        await ShellExamples.AssertPrintsWhatItShowsAsync(script, silo.WorkingDirectory, TimeSpan.FromSeconds(60), () => "silo:\n" + silo.OutputTail(30));
    }
}
