using System.Text.Json;
using System.Xml.Linq;

namespace Granary.Silo.Tests.Deployment;

/// <summary>
/// The silo image (Dockerfile): a restore layer that survives code edits, a runtime stage that runs as a non-root user
/// with nothing that needs a shell (the chiseled image has none), a health check, and a build context without outputs,
/// history or secrets (.dockerignore).
/// </summary>
public sealed class DockerfileTests
{
    private readonly Dockerfile _dockerfile = Dockerfile.Read(ComposeProject.RepositoryFile("Dockerfile"));

    [Fact]
    public void RuntimeStage_RunsAsANonRootUser()
    {
        var user = _dockerfile.FinalStage.LastOrDefault(i => i.Keyword == "USER");

        Assert.NotNull(user);
        var name = user.Arguments.Split(':')[0];
        Assert.DoesNotContain(name, new[] { "", "root", "0" });
    }

    [Fact]
    public void RuntimeStage_HealthCheck_AndEntryPoint_RunTheSiloWithoutAShell()
    {
        var healthCheck = Assert.Single(_dockerfile.FinalStage, i => i.Keyword == "HEALTHCHECK");
        var entryPoint = Assert.Single(_dockerfile.FinalStage, i => i.Keyword == "ENTRYPOINT");
        var command = healthCheck.Arguments[(healthCheck.Arguments.IndexOf(" CMD ", StringComparison.Ordinal) + " CMD ".Length)..];

        Assert.Equal(["dotnet", "/app/Granary.Silo.dll", "healthcheck"], JsonSerializer.Deserialize<string[]>(command)!);
        Assert.True(entryPoint.IsExecForm, $"ENTRYPOINT {entryPoint.Arguments} would need a shell");
        Assert.Equal(["dotnet", "/app/Granary.Silo.dll"], JsonSerializer.Deserialize<string[]>(entryPoint.Arguments)!);
        Assert.DoesNotContain(_dockerfile.FinalStage, i => i.Keyword == "RUN" || (i.Keyword == "CMD" && !i.IsExecForm));
    }

    [Fact]
    public void BuildStage_RestoresFromTheProjectFiles_ThenCopiesTheSources_AndPublishesWithoutRestoring()
    {
        var build = BuildStage();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var sources = build.FindIndex(i => i.Keyword == "COPY" && i.Arguments.StartsWith("src/ ", StringComparison.Ordinal));
        var publish = build.Single(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));

        Assert.True(restore > 0 && sources > restore, $"restore at instruction {restore}, sources copied at {sources}");
        Assert.All(build.Take(restore).Where(i => i.Keyword == "COPY"), copy => Assert.All(Sources(copy), source =>
            Assert.True(source.EndsWith(".csproj", StringComparison.Ordinal) || source.EndsWith(".props", StringComparison.Ordinal),
                $"{source} is copied before the restore: every change to it would run the restore again")));
        Assert.Contains("--no-restore", publish.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreLayer_HasEveryProjectTheSiloReferences_AndTheSharedProps()
    {
        var build = BuildStage();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var copied = build.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(Sources).ToHashSet();

        var needed = ProjectClosure("src/Silo/Silo.csproj").Append("Directory.Build.props").Append("Directory.Packages.props");

        Assert.All(needed, project => Assert.Contains(project, copied));
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputsHistoryAndSecretsOutOfTheContext()
    {
        var patterns = File.ReadAllLines(ComposeProject.RepositoryFile(".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToHashSet();

        Assert.All(new[] { "**/bin", "**/obj", "**/data", "artifacts", ".git", ".env", "deploy/secrets" }, pattern => Assert.Contains(pattern, patterns));
    }

    private List<DockerInstruction> BuildStage() =>
        _dockerfile.Stages.Single(s => s.Any(i => i.Arguments.Contains("dotnet publish", StringComparison.Ordinal))).ToList();

    /// <summary>The source paths of a COPY (every argument but the destination and the --flags).</summary>
    private static IEnumerable<string> Sources(DockerInstruction copy)
    {
        var arguments = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        return arguments[..^1];
    }

    /// <summary><paramref name="project"/> and every project it references, directly or not, as paths from the repository root.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current))
            {
                continue;
            }
            var folder = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(ComposeProject.RepositoryFile(current)).Descendants("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, folder, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryRoot.Path, path));
            }
        }
        return found;
    }
}
