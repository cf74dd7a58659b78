using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Granary.Runtime.CodeGen;

/// <summary>Names and type spellings used in generated code.</summary>
internal static class Naming
{
    /// <summary>global::-qualified, keywords escaped, nullable reference annotations kept.</summary>
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The readable name reported in requests: "MyNs.IFoo" or "MyNs.IRepo&lt;T&gt;".</summary>
    public static readonly SymbolDisplayFormat InterfaceNameFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>Short spelling for messages: "IFoo", "Outer.IFoo", "int", "Task&lt;string&gt;".</summary>
    public static readonly SymbolDisplayFormat MessageFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes
            | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers
            | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static string Type(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary>An identifier as it must be written in source: reserved keywords get an '@'.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// The type's namespace, containing types and name joined by '_', for generated type names:
    /// MyNs.Outer.IRepo&lt;T&gt; becomes MyNs_Outer_IRepo. Generated types of generic interfaces are generic with the same
    /// arity, so C#'s overloading of type names by arity keeps IRepo and IRepo&lt;T&gt; apart.
    /// </summary>
    public static string Flatten(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? current = type; current is not null; current = current.ContainingSymbol)
        {
            if (current is INamespaceSymbol { IsGlobalNamespace: true })
            {
                break;
            }
            parts.Add(current.Name);
        }
        parts.Reverse();
        return Sanitize(string.Join("_", parts));
    }

    /// <summary>The CLR full name, MyNs.Outer+IRepo`1: distinct for distinct types, used for file names.</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            name = container.MetadataName + "+" + name;
        }
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
    }

    /// <summary>Replaces every character that cannot appear in an identifier with '_'.</summary>
    public static string Sanitize(string value)
    {
        var builder = new StringBuilder(value.Length + 1);
        foreach (var c in value)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        }
        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }
        var result = builder.ToString();
        return SyntaxFacts.GetKeywordKind(result) != SyntaxKind.None ? "_" + result : result;
    }

    /// <summary>The namespace of everything generated for an assembly: Granary.Generated.&lt;assembly&gt;.</summary>
    public static string GeneratedNamespace(string? assemblyName) =>
        "Granary.Generated." + Sanitize(string.IsNullOrEmpty(assemblyName) ? "Anonymous" : assemblyName!);

    /// <summary>"&lt;A, B&gt;" or "" for the type arguments of a generated generic type.</summary>
    public static string TypeArgumentList(IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        return list.Count == 0 ? string.Empty : "<" + string.Join(", ", list) + ">";
    }

    /// <summary>A literal for a string value.</summary>
    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
