using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Granary.Runtime.CodeGen;

/// <summary>The errors the generator reports. Each names the member and says what to change.</summary>
internal static class Diagnostics
{
    private const string Category = "Granary";

#pragma warning disable RS2008 // No analyzer release-tracking files in this project; the ids are listed here.
    public static readonly DiagnosticDescriptor InvalidReturnType = new(
        id: "GRN001",
        title: "Grain method must return a task",
        messageFormat: "Grain interface method '{0}' returns '{1}'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T> because every call is asynchronous",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ByRefParameter = new(
        id: "GRN002",
        title: "Grain method parameter passed by reference",
        messageFormat: "Parameter '{1}' of grain interface method '{0}' is declared '{2}'; grain calls copy their arguments into a message, so pass the value and return results through the task instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericMethod = new(
        id: "GRN003",
        title: "Generic grain methods are not supported",
        messageFormat: "Grain interface method '{0}' is generic; generic grain methods are not supported, make the interface generic or use concrete parameter types",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NonMethodMember = new(
        id: "GRN004",
        title: "Grain interfaces may only declare methods",
        messageFormat: "Grain interface member '{0}' is {1}; grain interfaces may only declare instance methods, replace it with a method that returns a task",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MultipleCancellationTokens = new(
        id: "GRN005",
        title: "Grain method takes more than one CancellationToken",
        messageFormat: "Grain interface method '{0}' takes {1} CancellationToken parameters; a grain method may take at most one, which the runtime cancels when the call is cancelled or times out",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InaccessibleType = new(
        id: "GRN006",
        title: "Grain type is not accessible to generated code",
        messageFormat: "Grain {0} '{1}' is not accessible from the rest of its assembly; the generated proxy and registration need it to be public or internal (and not nested in a private, protected or file-local type)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true);
#pragma warning restore RS2008

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = new[]
    {
        InvalidReturnType, ByRefParameter, GenericMethod, NonMethodMember, MultipleCancellationTokens, InaccessibleType,
    }.ToDictionary(d => d.Id);

    /// <summary>Captures a diagnostic as an equatable value.</summary>
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        LocationInfo? info = null;
        if (location is not null && location.IsInSource)
        {
            var lineSpan = location.GetLineSpan();
            info = new LocationInfo(lineSpan.Path, location.SourceSpan, lineSpan.Span);
        }
        return new DiagnosticInfo(descriptor.Id, info, arguments.ToEquatableArray());
    }

    /// <summary>Turns a captured diagnostic back into a Roslyn diagnostic.</summary>
    public static Diagnostic ToDiagnostic(DiagnosticInfo info)
    {
        var location = info.Location is { } l ? Location.Create(l.FilePath, l.Span, l.LineSpan) : Location.None;
        return Diagnostic.Create(ById[info.Id], location, info.Arguments.Select(a => (object)a).ToArray());
    }
}
