using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Granary.Runtime.CodeGen;

/// <summary>Turns a grain interface declaration into an equatable model (or diagnostics).</summary>
internal static class InterfaceParser
{
    private const string VoidResult = "global::Granary.Runtime.Messaging.VoidResult";

    public static bool IsCandidate(SyntaxNode node) => node is InterfaceDeclarationSyntax { BaseList: not null };

    public static InterfaceResult? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (InterfaceDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol symbol
            || !SymbolHelpers.IsFirstDeclaration(symbol, declaration))
        {
            return null;
        }
        var known = KnownSymbols.Create(context.SemanticModel.Compilation);
        if (known is null || !known.IsGrainInterface(symbol))
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var location = declaration.Identifier.GetLocation();
        if (!SymbolHelpers.IsAccessibleFromAssembly(symbol))
        {
            diagnostics.Add(Diagnostics.Create(Diagnostics.InaccessibleType, location, "interface", symbol.ToDisplayString(Naming.MessageFormat)));
        }
        if (!MemberValidator.Validate(known, symbol, location, diagnostics, cancellationToken) || diagnostics.Count > 0)
        {
            return new InterfaceResult(null, diagnostics.ToEquatableArray());
        }
        return new InterfaceResult(BuildModel(known, symbol), EquatableArray<DiagnosticInfo>.Empty);
    }

    private static InterfaceModel BuildModel(KnownSymbols known, INamedTypeSymbol symbol)
    {
        var methods = new List<ProxyMethodModel>();
        var requests = new List<RequestModel>();
        foreach (var declaring in SymbolHelpers.InterfaceHierarchy(known, symbol))
        {
            var definition = declaring.OriginalDefinition;
            var definitionMethods = SymbolHelpers.GrainMethods(definition);
            var constructedMethods = SymbolHelpers.GrainMethods(declaring);
            var typeArguments = Naming.TypeArgumentList(SymbolHelpers.AllTypeArguments(declaring).Select(Naming.Type));
            for (var id = 0; id < definitionMethods.Count; id++)
            {
                var request = BuildRequest(known, definition, definitionMethods[id], id);
                requests.Add(request);
                methods.Add(BuildProxyMethod(known, declaring, constructedMethods[id], request.ClassName + typeArguments));
            }
        }
        return new InterfaceModel(
            Naming.MetadataName(symbol),
            Naming.Type(symbol),
            Naming.Flatten(symbol) + "Proxy",
            TypeParameters(symbol),
            methods.ToEquatableArray(),
            requests.ToEquatableArray());
    }

    private static RequestModel BuildRequest(KnownSymbols known, INamedTypeSymbol definition, IMethodSymbol method, int id)
    {
        var prefix = Naming.Flatten(definition);
        var kind = MemberValidator.ClassifyReturn(known, method.ReturnType)!.Value;
        var options = (known.HasAttribute(method, known.AlwaysInterleave) ? 1 : 0)
            | (known.HasAttribute(method, known.ReadOnly) ? 2 : 0);
        return new RequestModel(
            GroupName: Naming.MetadataName(definition),
            ClassName: prefix + "_" + Naming.Sanitize(method.Name) + "_" + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TypeParameters: TypeParameters(definition),
            InterfaceType: Naming.Type(definition),
            InterfaceName: definition.ToDisplayString(Naming.InterfaceNameFormat),
            MethodName: method.Name,
            MethodIdentifier: Naming.Identifier(method.Name),
            MethodId: id,
            ReturnKind: kind,
            ResultType: ResultType(method.ReturnType, kind),
            Options: options,
            Parameters: Parameters(known, method));
    }

    private static ProxyMethodModel BuildProxyMethod(KnownSymbols known, INamedTypeSymbol declaring, IMethodSymbol method, string requestType)
    {
        var kind = MemberValidator.ClassifyReturn(known, method.ReturnType)!.Value;
        return new ProxyMethodModel(
            InterfaceType: Naming.Type(declaring),
            MethodIdentifier: Naming.Identifier(method.Name),
            ReturnKind: kind,
            ReturnType: Naming.Type(method.ReturnType),
            ResultType: ResultType(method.ReturnType, kind),
            RequestType: requestType,
            Parameters: Parameters(known, method));
    }

    private static string ResultType(ITypeSymbol returnType, ReturnKind kind) =>
        kind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT
            ? Naming.Type(((INamedTypeSymbol)returnType).TypeArguments[0])
            : VoidResult;

    private static EquatableArray<ParameterModel> Parameters(KnownSymbols known, IMethodSymbol method) =>
        method.Parameters
            .Select((p, i) => new ParameterModel(
                string.IsNullOrEmpty(p.Name) ? "arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) : Naming.Identifier(p.Name),
                Naming.Type(p.Type),
                known.IsCancellationToken(p.Type),
                !p.Type.IsValueType && p.Type.NullableAnnotation != NullableAnnotation.Annotated))
            .ToEquatableArray();

    private static EquatableArray<TypeParameterModel> TypeParameters(INamedTypeSymbol type) =>
        SymbolHelpers.AllTypeParameters(type)
            .Select(p => new TypeParameterModel(Naming.Identifier(p.Name), SymbolHelpers.ConstraintClause(p)))
            .ToEquatableArray();
}
