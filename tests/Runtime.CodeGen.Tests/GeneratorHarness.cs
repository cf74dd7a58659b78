using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Granary.Runtime.CodeGen.Tests;

/// <summary>Compiles source snippets against Granary.Runtime with the generator and exposes what came out.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> PlatformReferences = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Grain).Assembly.Location)
            .Where(p => p.Length > 0)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    private static int _counter;

    /// <summary>A fresh assembly name, so every compilation loaded into the test process is distinct.</summary>
    public static string UniqueAssemblyName(string prefix = "Snippet") =>
        $"{prefix}{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}";

    public static CSharpCompilation CreateCompilation(
        IEnumerable<string> sources, string? assemblyName = null, IEnumerable<MetadataReference>? extraReferences = null, bool withRuntime = true)
    {
        var references = PlatformReferences.Value.AsEnumerable();
        if (!withRuntime)
        {
            references = references.Where(r => !string.Equals(Path.GetFileName(r.Display), "Granary.Runtime.dll", StringComparison.OrdinalIgnoreCase));
        }
        return CSharpCompilation.Create(
            assemblyName ?? UniqueAssemblyName(),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            references.Concat(extraReferences ?? []),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    public static GeneratorRun Run(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CreateDriver();
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorRun(driver, (CSharpCompilation)output, generatorDiagnostics);
    }

    public static CSharpGeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new GrainGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The 0-based line of the first line of <paramref name="source"/> that contains <paramref name="text"/>.</summary>
    public static int LineOf(string source, string text)
    {
        var lines = source.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' is not in the source");
        return index;
    }
}

/// <summary>The outcome of one generator run.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, CSharpCompilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorDriverRunResult Result => Driver.GetRunResult();

    public ImmutableArray<GeneratedSourceResult> GeneratedSources => Result.Results.Single().GeneratedSources;

    /// <summary>Compiler diagnostics of the compilation including the generated code, plus the generator's own.</summary>
    public ImmutableArray<Diagnostic> AllDiagnostics => Output.GetDiagnostics().AddRange(GeneratorDiagnostics);

    public ImmutableArray<Diagnostic> Errors => [.. AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];

    public string Source(string hintNameEnd) =>
        GeneratedSources.Single(s => s.HintName.EndsWith(hintNameEnd, StringComparison.Ordinal)).SourceText.ToString();

    public string AllGeneratedText => string.Join("\n", GeneratedSources.Select(s => s.SourceText.ToString()));

    /// <summary>Asserts the generator and the compiler (including on generated code) report nothing at all, not even warnings.</summary>
    public GeneratorRun AssertClean()
    {
        var problems = AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "Unexpected diagnostics:\n" + string.Join("\n", problems) + "\n\nGenerated:\n" + AllGeneratedText);
        return this;
    }

    public byte[] EmitBytes()
    {
        using var stream = new MemoryStream();
        var result = Output.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return stream.ToArray();
    }

    public MetadataReference ToReference() => MetadataReference.CreateFromImage(EmitBytes());

    /// <summary>Emits and loads the assembly into the test process.</summary>
    public Assembly Load() => Assembly.Load(EmitBytes());
}
