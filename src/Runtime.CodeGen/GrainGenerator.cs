using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Granary.Runtime.CodeGen;

/// <summary>
/// Generates, for the grain interfaces and classes declared in a compilation: a proxy per interface, a request class
/// per interface method, and a module initializer that registers both with GrainTypeRegistry.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrainGenerator : IIncrementalGenerator
{
    /// <summary>Step names for incremental-generation tests.</summary>
    public static class TrackingNames
    {
        public const string Interfaces = "Granary.Interfaces";
        public const string Classes = "Granary.Classes";
        public const string Requests = "Granary.Requests";
        public const string Compilation = "Granary.Compilation";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var compilation = context.CompilationProvider
            .Select(static (c, _) => new CompilationInfo(Naming.GeneratedNamespace(c.AssemblyName)))
            .WithTrackingName(TrackingNames.Compilation);

        var interfaceResults = context.SyntaxProvider
            .CreateSyntaxProvider(static (node, _) => InterfaceParser.IsCandidate(node), InterfaceParser.Parse)
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(TrackingNames.Interfaces);

        var classResults = context.SyntaxProvider
            .CreateSyntaxProvider(static (node, _) => ClassParser.IsCandidate(node), ClassParser.Parse)
            .Where(static r => r is not null)
            .Select(static (r, _) => r!)
            .WithTrackingName(TrackingNames.Classes);

        context.RegisterSourceOutput(interfaceResults.SelectMany(static (r, _) => r.Diagnostics), Report);
        context.RegisterSourceOutput(classResults.SelectMany(static (r, _) => r.Diagnostics), Report);

        var interfaces = interfaceResults
            .Where(static r => r.Model is not null)
            .Select(static (r, _) => r.Model!);

        // Files are named after the interface. Hint names must be unique ignoring case, which type names need not be,
        // so names are assigned over the whole set; SelectMany hands the items back one by one, so an unchanged
        // interface still reuses its output.
        var proxies = interfaces
            .Collect()
            .SelectMany(static (models, _) => HintNames.Assign(models, static m => m.MetadataName + ".Proxy"));

        context.RegisterSourceOutput(proxies.Combine(compilation), static (spc, pair) =>
            spc.AddSource(pair.Left.HintName, ProxyEmitter.Emit(pair.Right.Namespace, pair.Left.Item)));

        // Interfaces that share a base interface need its request classes once: group and de-duplicate.
        var requestGroups = interfaces
            .SelectMany(static (m, _) => m.Requests)
            .Collect()
            .SelectMany(static (requests, _) => HintNames.Assign(GroupRequests(requests), static g => g.GroupName + ".Requests"))
            .WithTrackingName(TrackingNames.Requests);

        context.RegisterSourceOutput(requestGroups.Combine(compilation), static (spc, pair) =>
            spc.AddSource(pair.Left.HintName, RequestEmitter.Emit(pair.Right.Namespace, pair.Left.Item)));

        var classes = classResults
            .Where(static r => r.ClassType is not null)
            .Select(static (r, _) => r.ClassType!);

        var registration = interfaces.Collect().Combine(classes.Collect()).Combine(compilation);
        context.RegisterSourceOutput(registration, static (spc, input) =>
        {
            var ((models, types), info) = input;
            var source = RegistrationEmitter.Emit(info.Namespace, models, types.Distinct().ToList());
            if (source is not null)
            {
                spc.AddSource("GranaryGeneratedRegistration.g.cs", source);
            }
        });
    }

    private static void Report(SourceProductionContext context, DiagnosticInfo diagnostic) =>
        context.ReportDiagnostic(Diagnostics.ToDiagnostic(diagnostic));

    private static IEnumerable<RequestGroup> GroupRequests(ImmutableArray<RequestModel> requests)
    {
        var seen = new HashSet<string>();
        return requests
            .Where(r => seen.Add(r.GroupName + "#" + r.MethodId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .GroupBy(r => r.GroupName)
            .OrderBy(g => g.Key, System.StringComparer.Ordinal)
            .Select(g => new RequestGroup(g.Key, g.OrderBy(r => r.MethodId).ToEquatableArray()));
    }
}
