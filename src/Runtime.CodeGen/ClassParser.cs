using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Granary.Runtime.CodeGen;

/// <summary>Finds the grain classes of the compilation: concrete classes deriving from Grain that implement a grain interface.</summary>
internal static class ClassParser
{
    public static bool IsCandidate(SyntaxNode node) => node is ClassDeclarationSyntax { BaseList: not null };

    public static ClassResult? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol symbol
            || symbol.IsAbstract
            || symbol.IsStatic
            || !SymbolHelpers.IsFirstDeclaration(symbol, declaration))
        {
            return null;
        }
        var known = KnownSymbols.Create(context.SemanticModel.Compilation);
        if (known is null || !known.DerivesFromGrain(symbol) || !symbol.AllInterfaces.Any(known.IsGrainInterface))
        {
            return null;
        }

        // The registry takes closed types; open generic grain classes are not registered.
        if (SymbolHelpers.AllTypeParameters(symbol).Count > 0)
        {
            return null;
        }
        if (!SymbolHelpers.IsAccessibleFromAssembly(symbol))
        {
            var diagnostic = Diagnostics.Create(
                Diagnostics.InaccessibleType,
                declaration.Identifier.GetLocation(),
                "class",
                symbol.ToDisplayString(Naming.MessageFormat));
            return new ClassResult(null, new[] { diagnostic }.ToEquatableArray());
        }
        return new ClassResult(Naming.Type(symbol), EquatableArray<DiagnosticInfo>.Empty);
    }
}
