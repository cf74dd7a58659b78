using System.Collections.Generic;
using System.Linq;

namespace Granary.Runtime.CodeGen;

/// <summary>Writes the proxy class of one grain interface: every method packs its arguments into a request and sends it.</summary>
internal static class ProxyEmitter
{
    public static string Emit(string ns, InterfaceModel model)
    {
        var writer = new CodeWriter();
        writer.Open("namespace " + ns);
        writer.Line(CodeWriter.GeneratedCodeAttribute);
        writer.Line($"internal sealed class {model.ProxyName}{Naming.TypeArgumentList(model.TypeParameters.Select(t => t.Name))} "
            + $": global::Granary.Runtime.Messaging.GrainReference, {model.InterfaceType}");
        foreach (var parameter in model.TypeParameters.Where(t => t.Constraints.Length > 0))
        {
            writer.Line("    " + parameter.Constraints);
        }
        writer.OpenBrace();
        writer.Line($"public {model.ProxyName}(global::Granary.Runtime.Messaging.GrainReferenceContext context, global::Granary.Runtime.GrainId grainId)");
        writer.Line("    : base(context, grainId)");
        writer.OpenBrace().Close();
        foreach (var method in model.Methods)
        {
            writer.Line();
            EmitMethod(writer, method);
        }
        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    private static void EmitMethod(CodeWriter writer, ProxyMethodModel method)
    {
        var parameters = string.Join(", ", method.Parameters.Select(p => p.Type + " " + p.Name));
        writer.Open($"{method.ReturnType} {method.InterfaceType}.{method.MethodIdentifier}({parameters})");

        var request = UniqueLocal("request", method.Parameters.Select(p => p.Name.TrimStart('@')));
        var argument = 0;
        var initializers = method.Parameters
            .Where(p => !p.IsCancellationToken)
            .Select(p => $"Arg{argument++} = {p.Name}")
            .ToList();
        writer.Line(initializers.Count == 0
            ? $"var {request} = new {method.RequestType}();"
            : $"var {request} = new {method.RequestType} {{ {string.Join(", ", initializers)} }};");
        foreach (var token in method.Parameters.Where(p => p.IsCancellationToken))
        {
            writer.Line($"{request}.CallerCancellation = {token.Name};");
        }

        var send = $"base.InvokeAsync({request})";
        writer.Line(method.ReturnKind switch
        {
            ReturnKind.ValueTaskOfT => $"return new global::System.Threading.Tasks.ValueTask<{method.ResultType}>({send});",
            ReturnKind.ValueTask => $"return new global::System.Threading.Tasks.ValueTask({send});",
            _ => $"return {send};",
        });
        writer.Close();
    }

    /// <summary>A local variable name that no parameter of the method already uses.</summary>
    private static string UniqueLocal(string name, IEnumerable<string> taken)
    {
        var names = new HashSet<string>(taken);
        var candidate = name;
        for (var i = 1; names.Contains(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return candidate;
    }
}
