using System.Collections;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Granary.Runtime.CodeGen.Tests;

public class IncrementalTests
{
    private const string Grains = """
        using System.Threading.Tasks;
        using Granary.Runtime;

        namespace MyNs;

        public interface IPingGrain : IGrainWithStringKey
        {
            Task<string> Ping(string message);
        }

        public sealed class PingGrain : Grain, IPingGrain
        {
            public Task<string> Ping(string message) => Task.FromResult(message);
        }
        """;

    [Fact]
    public void Unrelated_edit_reuses_every_model_and_output()
    {
        var compilation = GeneratorHarness.CreateCompilation([Grains]);
        GeneratorDriver driver = GeneratorHarness.CreateDriver();
        driver = driver.RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Other; public class Unrelated : System.IDisposable { public void Dispose() { } }",
            GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        foreach (var name in new[] { GrainGenerator.TrackingNames.Interfaces, GrainGenerator.TrackingNames.Classes, GrainGenerator.TrackingNames.Requests })
        {
            var outputs = result.TrackedSteps[name].SelectMany(step => step.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{name}: {o.Reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(step => step.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_or_syntax()
    {
        var driver = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.CreateCompilation([Grains]));

        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in new[] { GrainGenerator.TrackingNames.Interfaces, GrainGenerator.TrackingNames.Classes, GrainGenerator.TrackingNames.Requests })
        {
            foreach (var output in steps[name].SelectMany(s => s.Outputs))
            {
                AssertNoRoslynObjects(output.Value, name, depth: 0);
            }
        }
    }

    private static void AssertNoRoslynObjects(object? value, string path, int depth)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || depth > 12)
        {
            return;
        }
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree, $"{path} holds a {value.GetType()}");
        if (value is IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                AssertNoRoslynObjects(item, path + "[]", depth + 1);
            }
            return;
        }
        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertNoRoslynObjects(property.GetValue(value), path + "." + property.Name, depth + 1);
        }
    }
}
