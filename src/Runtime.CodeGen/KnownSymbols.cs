using System.Linq;
using Microsoft.CodeAnalysis;

namespace Granary.Runtime.CodeGen;

/// <summary>The runtime and BCL types the generator recognises, looked up once per compilation.</summary>
internal sealed class KnownSymbols
{
    private KnownSymbols(Compilation compilation, INamedTypeSymbol grainInterface, INamedTypeSymbol[] markers)
    {
        Compilation = compilation;
        GrainInterface = grainInterface;
        Markers = markers;
        GrainClass = compilation.GetTypeByMetadataName("Granary.Runtime.Grain");
        AlwaysInterleave = compilation.GetTypeByMetadataName("Granary.Runtime.AlwaysInterleaveAttribute");
        ReadOnly = compilation.GetTypeByMetadataName("Granary.Runtime.ReadOnlyAttribute");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol GrainInterface { get; }

    /// <summary>IGrain and the keyed marker interfaces: never proxied, never implemented by proxies.</summary>
    public INamedTypeSymbol[] Markers { get; }

    public INamedTypeSymbol? GrainClass { get; }

    public INamedTypeSymbol? AlwaysInterleave { get; }

    public INamedTypeSymbol? ReadOnly { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    /// <summary>Null when the compilation does not reference Granary.Runtime: nothing to generate.</summary>
    public static KnownSymbols? Create(Compilation compilation)
    {
        var grain = compilation.GetTypeByMetadataName("Granary.Runtime.IGrain");
        if (grain is null)
        {
            return null;
        }
        var markers = new[] { "IGrain", "IGrainWithStringKey", "IGrainWithGuidKey", "IGrainWithIntegerKey" }
            .Select(n => compilation.GetTypeByMetadataName("Granary.Runtime." + n))
            .Where(t => t is not null)
            .Select(t => t!)
            .ToArray();
        return new KnownSymbols(compilation, grain, markers);
    }

    public bool IsMarker(INamedTypeSymbol type) =>
        Markers.Any(m => SymbolEqualityComparer.Default.Equals(m, type.OriginalDefinition));

    /// <summary>An interface that derives from IGrain and is not one of the markers.</summary>
    public bool IsGrainInterface(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Interface
        && !IsMarker(type)
        && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, GrainInterface));

    public bool IsCancellationToken(ITypeSymbol type) =>
        CancellationToken is not null && SymbolEqualityComparer.Default.Equals(type, CancellationToken);

    public bool DerivesFromGrain(INamedTypeSymbol type)
    {
        if (GrainClass is null)
        {
            return false;
        }
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, GrainClass))
            {
                return true;
            }
        }
        return false;
    }

    public bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute) =>
        attribute is not null
        && symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));
}
