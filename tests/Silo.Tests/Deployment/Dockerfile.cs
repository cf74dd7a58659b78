using System.Text.RegularExpressions;

namespace Granary.Silo.Tests.Deployment;

/// <summary>One instruction of a Dockerfile: its keyword (upper case) and its arguments, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>Exec form (a JSON array): run without a shell.</summary>
    public bool IsExecForm => Arguments.TrimStart().StartsWith('[');
}

/// <summary>The repository's Dockerfile as stages of instructions.</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<IReadOnlyList<DockerInstruction>> stages) => Stages = stages;

    /// <summary>Each stage's instructions, its FROM first.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    public IReadOnlyList<DockerInstruction> FinalStage => Stages[^1];

    public static Dockerfile Read(string path)
    {
        var stages = new List<List<DockerInstruction>>();
        var logical = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && logical.Length == 0))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                logical += line[..^1] + " ";
                continue;
            }
            logical += line;
            if (logical.Trim().Length > 0)
            {
                var match = Instruction().Match(logical.Trim());
                Assert.True(match.Success, $"Dockerfile: cannot read '{logical}'");
                var instruction = new DockerInstruction(match.Groups[1].Value.ToUpperInvariant(), match.Groups[2].Value.Trim());
                if (instruction.Keyword == "FROM")
                {
                    stages.Add([]);
                }
                Assert.True(stages.Count > 0, $"Dockerfile: '{instruction.Keyword}' before any FROM");
                stages[^1].Add(instruction);
            }
            logical = "";
        }
        return new Dockerfile(stages);
    }

    [GeneratedRegex(@"^([A-Za-z]+)\s+(.*)$")]
    private static partial Regex Instruction();
}
