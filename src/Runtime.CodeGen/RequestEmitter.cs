using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Granary.Runtime.CodeGen;

/// <summary>Writes the request classes of one declaring interface.</summary>
internal static class RequestEmitter
{
    private const string Tasks = "global::System.Threading.Tasks.";
    private const string Options = "global::Granary.Runtime.Messaging.RequestOptions";
    private const string Json = "global::System.Text.Json.";

    public static string Emit(string ns, RequestGroup group)
    {
        var writer = new CodeWriter();
        writer.Open("namespace " + ns);
        for (var i = 0; i < group.Requests.Count; i++)
        {
            if (i > 0)
            {
                writer.Line();
            }
            EmitRequest(writer, group.Requests[i]);
        }
        writer.Close();
        return writer.ToString();
    }

    private static void EmitRequest(CodeWriter writer, RequestModel request)
    {
        var arguments = request.Parameters.Where(p => !p.IsCancellationToken).ToList();
        var needsCancellation = request.Parameters.Any(p => p.IsCancellationToken);
        var result = request.ResultType;

        writer.Line(CodeWriter.GeneratedCodeAttribute);
        writer.Line($"internal sealed class {request.ClassName}{Naming.TypeArgumentList(request.TypeParameters.Select(t => t.Name))} "
            + $": global::Granary.Runtime.Messaging.GrainRequest<{result}>");
        foreach (var parameter in request.TypeParameters.Where(t => t.Constraints.Length > 0))
        {
            writer.Line("    " + parameter.Constraints);
        }
        writer.OpenBrace();

        for (var i = 0; i < arguments.Count; i++)
        {
            writer.Line($"public {arguments[i].Type} Arg{i} = default!;");
        }
        if (arguments.Count > 0)
        {
            writer.Line();
        }

        writer.Line($"public override string InterfaceName => {Naming.Literal(request.InterfaceName)};");
        writer.Line($"public override string MethodName => {Naming.Literal(request.MethodName)};");
        writer.Line($"public override int MethodId => {request.MethodId.ToString(CultureInfo.InvariantCulture)};");
        writer.Line($"public override int ArgumentCount => {arguments.Count.ToString(CultureInfo.InvariantCulture)};");
        if (request.Options != 0)
        {
            var flags = new[] { (1, "AlwaysInterleave"), (2, "ReadOnly") }
                .Where(f => (request.Options & f.Item1) != 0)
                .Select(f => Options + "." + f.Item2);
            writer.Line($"public override {Options} Options => {string.Join(" | ", flags)};");
        }
        if (needsCancellation)
        {
            writer.Line("protected override bool NeedsCancellation => true;");
        }

        writer.Line();
        EmitGetArgument(writer, arguments.Count);
        writer.Line();
        EmitWriteArguments(writer, arguments);
        writer.Line();
        EmitReadArguments(writer, arguments);
        writer.Line();
        EmitInvokeCore(writer, request);
        writer.Close();
    }

    /// <summary>The arguments as one JSON array, in order, each serialized as its parameter's declared type.</summary>
    private static void EmitWriteArguments(CodeWriter writer, List<ParameterModel> arguments)
    {
        writer.Open($"public override void WriteArguments({Json}Utf8JsonWriter writer, {Json}JsonSerializerOptions options)");
        writer.Line("writer.WriteStartArray();");
        for (var i = 0; i < arguments.Count; i++)
        {
            writer.Line($"{Json}JsonSerializer.Serialize<{arguments[i].Type}>(writer, Arg{i}, options);");
        }
        writer.Line("writer.WriteEndArray();");
        writer.Close();
    }

    /// <summary>
    /// Reads the array WriteArguments wrote: the reader starts on its StartArray token and ends on its EndArray token;
    /// the base class's helpers throw JsonException when the element count is wrong.
    /// </summary>
    private static void EmitReadArguments(CodeWriter writer, List<ParameterModel> arguments)
    {
        writer.Open($"public override void ReadArguments(ref {Json}Utf8JsonReader reader, {Json}JsonSerializerOptions options)");
        writer.Line("base.ExpectArgumentsStart(ref reader);");
        for (var i = 0; i < arguments.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            writer.Line($"base.MoveToArgument(ref reader, {index});");
            writer.Line($"Arg{index} = {Json}JsonSerializer.Deserialize<{arguments[i].Type}>(ref reader, options){(arguments[i].NeedsNullForgiving ? "!" : "")};");
        }
        writer.Line("base.MoveToArgumentsEnd(ref reader);");
        writer.Close();
    }

    private static void EmitGetArgument(CodeWriter writer, int count)
    {
        const string OutOfRange = "throw new global::System.ArgumentOutOfRangeException(nameof(index))";
        if (count == 0)
        {
            writer.Line($"public override object? GetArgument(int index) => {OutOfRange};");
            return;
        }
        writer.Line("public override object? GetArgument(int index) => index switch");
        writer.OpenBrace();
        for (var i = 0; i < count; i++)
        {
            writer.Line($"{i} => Arg{i},");
        }
        writer.Line($"_ => {OutOfRange},");
        writer.Close(";");
    }

    private static void EmitInvokeCore(CodeWriter writer, RequestModel request)
    {
        var argument = 0;
        var callArguments = request.Parameters.Select(p => p.IsCancellationToken ? "cancellationToken" : "Arg" + argument++);
        var call = $"(({request.InterfaceType})grain).{request.MethodIdentifier}({string.Join(", ", callArguments)})";
        var body = request.ReturnKind switch
        {
            ReturnKind.TaskOfT => $"new {Tasks}ValueTask<{request.ResultType}>({call})",
            ReturnKind.ValueTaskOfT => call,
            _ => $"AsVoid({call})",
        };
        writer.Line($"protected override {Tasks}ValueTask<{request.ResultType}> InvokeCore(object grain, global::System.Threading.CancellationToken cancellationToken)");
        writer.Line($"    => {body};");
    }
}
