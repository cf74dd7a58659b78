using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Granary.Runtime.CodeGen;

/// <summary>Symbol queries shared by the interface and class parsers.</summary>
internal static class SymbolHelpers
{
    /// <summary>
    /// True for the first declaration of a (possibly partial) type, so each type is handled once even though the
    /// syntax provider sees every part.
    /// </summary>
    public static bool IsFirstDeclaration(INamedTypeSymbol symbol, SyntaxNode declaration)
    {
        var first = symbol.DeclaringSyntaxReferences.FirstOrDefault();
        return first is null || (first.SyntaxTree == declaration.SyntaxTree && first.Span == declaration.Span);
    }

    /// <summary>True when code elsewhere in the assembly (the generated namespace) can name the type.</summary>
    public static bool IsAccessibleFromAssembly(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                return false;
            }
            switch (current.DeclaredAccessibility)
            {
                case Accessibility.Private:
                case Accessibility.Protected:
                case Accessibility.ProtectedAndInternal:
                    return false;
            }
        }
        return true;
    }

    /// <summary>The type parameters of the type and of its containing types, outermost first.</summary>
    public static IReadOnlyList<ITypeParameterSymbol> AllTypeParameters(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            chain.Add(current);
        }
        chain.Reverse();
        return chain.SelectMany(t => t.TypeParameters).ToList();
    }

    /// <summary>The type arguments of the type and of its containing types, outermost first.</summary>
    public static IReadOnlyList<ITypeSymbol> AllTypeArguments(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            chain.Add(current);
        }
        chain.Reverse();
        return chain.SelectMany(t => t.TypeArguments).ToList();
    }

    /// <summary>
    /// The methods a proxy implements, in declaration order: instance methods that are abstract or have a default
    /// body. Accessors are excluded (properties and events are rejected separately); so are static and private members.
    /// </summary>
    public static IReadOnlyList<IMethodSymbol> GrainMethods(INamedTypeSymbol type) =>
        type.GetMembers()
            .OfType<IMethodSymbol>()
            .Where(m => m.MethodKind == MethodKind.Ordinary && !m.IsStatic && (m.IsAbstract || m.IsVirtual))
            .ToList();

    /// <summary>The interface itself and every interface it inherits, without the IGrain markers.</summary>
    public static IEnumerable<INamedTypeSymbol> InterfaceHierarchy(KnownSymbols known, INamedTypeSymbol type) =>
        new[] { type }.Concat(type.AllInterfaces).Where(i => !known.IsMarker(i));

    /// <summary>The constraint clause of a type parameter, or "" when it has none.</summary>
    public static string ConstraintClause(ITypeParameterSymbol parameter)
    {
        var parts = new List<string>();
        if (parameter.HasUnmanagedTypeConstraint)
        {
            parts.Add("unmanaged");
        }
        else if (parameter.HasValueTypeConstraint)
        {
            parts.Add("struct");
        }
        else if (parameter.HasReferenceTypeConstraint)
        {
            parts.Add(parameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
        }
        else if (parameter.HasNotNullConstraint)
        {
            parts.Add("notnull");
        }
        parts.AddRange(parameter.ConstraintTypes.Select(Naming.Type));
        if (parameter.HasConstructorConstraint)
        {
            parts.Add("new()");
        }
        return parts.Count == 0 ? string.Empty : $"where {Naming.Identifier(parameter.Name)} : {string.Join(", ", parts)}";
    }
}
