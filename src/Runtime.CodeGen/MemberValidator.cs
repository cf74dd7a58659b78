using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Granary.Runtime.CodeGen;

/// <summary>
/// Checks that every member a proxy must implement can be sent as a grain call (GRN001–GRN005).
/// </summary>
internal static class MemberValidator
{
    /// <summary>
    /// Validates the interface and everything it inherits. Problems in the interface's own members are reported at
    /// the member; problems in inherited interfaces that are not grain interfaces of this compilation (those report
    /// their own) are reported at the interface's name. Returns false when the proxy cannot be generated.
    /// </summary>
    public static bool Validate(
        KnownSymbols known,
        INamedTypeSymbol grainInterface,
        Location interfaceLocation,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var valid = true;
        foreach (var declaring in SymbolHelpers.InterfaceHierarchy(known, grainInterface))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var own = SymbolEqualityComparer.Default.Equals(declaring, grainInterface);
            var reportedElsewhere = !own && IsSourceGrainInterface(known, declaring.OriginalDefinition);
            var sink = reportedElsewhere ? new List<DiagnosticInfo>() : diagnostics;
            var before = sink.Count;
            foreach (var member in declaring.GetMembers())
            {
                var location = own ? member.Locations.FirstOrDefault(l => l.IsInSource) ?? interfaceLocation : interfaceLocation;
                ValidateMember(known, declaring, member, location, own, sink);
            }
            valid &= sink.Count == before;
        }
        return valid;
    }

    private static bool IsSourceGrainInterface(KnownSymbols known, INamedTypeSymbol type) =>
        SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, known.Compilation.Assembly)
        && known.IsGrainInterface(type);

    private static void ValidateMember(
        KnownSymbols known, INamedTypeSymbol declaring, ISymbol member, Location location, bool own, List<DiagnosticInfo> sink)
    {
        var name = declaring.ToDisplayString(Naming.MessageFormat) + "." + member.Name;
        switch (member)
        {
            case IPropertySymbol property when !member.IsStatic || member.IsAbstract || member.IsVirtual:
                sink.Add(Diagnostics.Create(Diagnostics.NonMethodMember, location,
                    property.IsIndexer ? declaring.ToDisplayString(Naming.MessageFormat) + ".this[]" : name,
                    property.IsIndexer ? "an indexer" : "a property"));
                break;
            case IEventSymbol when !member.IsStatic || member.IsAbstract || member.IsVirtual:
                sink.Add(Diagnostics.Create(Diagnostics.NonMethodMember, location, name, "an event"));
                break;
            case IMethodSymbol method when method.IsStatic && (method.IsAbstract || method.IsVirtual) && method.MethodKind is MethodKind.Ordinary or MethodKind.UserDefinedOperator or MethodKind.Conversion:
                sink.Add(Diagnostics.Create(Diagnostics.NonMethodMember, location, name, "a static abstract member"));
                break;
            case IMethodSymbol method when method.MethodKind == MethodKind.Ordinary && !method.IsStatic && (method.IsAbstract || method.IsVirtual):
                ValidateMethod(known, method, name, location, own, sink);
                break;
        }
    }

    private static void ValidateMethod(
        KnownSymbols known, IMethodSymbol method, string name, Location location, bool own, List<DiagnosticInfo> sink)
    {
        if (method.IsGenericMethod)
        {
            sink.Add(Diagnostics.Create(Diagnostics.GenericMethod, location, name));
        }
        if (method.ReturnsByRef || method.ReturnsByRefReadonly || ClassifyReturn(known, method.ReturnType) is null)
        {
            var returnType = method.ReturnType.ToDisplayString(Naming.MessageFormat);
            sink.Add(Diagnostics.Create(Diagnostics.InvalidReturnType, location,
                name, method.ReturnsByRef ? "ref " + returnType : method.ReturnsByRefReadonly ? "ref readonly " + returnType : returnType));
        }
        foreach (var parameter in method.Parameters)
        {
            var refKind = parameter.RefKind switch
            {
                RefKind.Ref => "ref",
                RefKind.Out => "out",
                RefKind.In => "in",
                RefKind.RefReadOnlyParameter => "ref readonly",
                _ => parameter.Type.IsRefLikeType ? "ref struct " + parameter.Type.ToDisplayString(Naming.MessageFormat) : null,
            };
            if (refKind is not null)
            {
                var parameterLocation = own ? parameter.Locations.FirstOrDefault(l => l.IsInSource) ?? location : location;
                sink.Add(Diagnostics.Create(Diagnostics.ByRefParameter, parameterLocation, name, parameter.Name, refKind));
            }
        }
        var tokens = method.Parameters.Count(p => known.IsCancellationToken(p.Type));
        if (tokens > 1)
        {
            sink.Add(Diagnostics.Create(Diagnostics.MultipleCancellationTokens, location,
                name, tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>The kind of task a method returns, or null when it returns something else.</summary>
    public static ReturnKind? ClassifyReturn(KnownSymbols known, ITypeSymbol returnType)
    {
        var definition = returnType.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(definition, known.Task))
        {
            return ReturnKind.Task;
        }
        if (SymbolEqualityComparer.Default.Equals(definition, known.TaskOfT))
        {
            return ReturnKind.TaskOfT;
        }
        if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTask))
        {
            return ReturnKind.ValueTask;
        }
        if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTaskOfT))
        {
            return ReturnKind.ValueTaskOfT;
        }
        return null;
    }
}
