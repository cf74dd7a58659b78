using System.Collections.Generic;
using System.Linq;

namespace Granary.Runtime.CodeGen;

/// <summary>
/// Writes the module initializer that registers the compilation's grain interfaces (with their proxy factories), grain
/// classes and request factories (to re-create requests received from other silos) in GrainTypeRegistry when the
/// assembly loads.
/// </summary>
internal static class RegistrationEmitter
{
    private const string Registry = "global::Granary.Runtime.GrainTypeRegistry";

    public static string? Emit(string ns, IReadOnlyList<InterfaceModel> interfaces, IReadOnlyList<string> classes)
    {
        // Open generic interfaces have no factory the registry can hold; their proxies exist but are not registered.
        var registered = interfaces.Where(i => !i.IsGeneric).ToList();
        var requests = RegisteredRequests(interfaces);
        if (registered.Count == 0 && classes.Count == 0 && requests.Count == 0)
        {
            return null;
        }

        var writer = new CodeWriter();
        writer.Open("namespace " + ns);
        writer.Line(CodeWriter.GeneratedCodeAttribute);
        writer.Open("internal static class GranaryGeneratedRegistration");
        writer.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        writer.Open("internal static void Register()");
        foreach (var model in registered.OrderBy(i => i.InterfaceType, System.StringComparer.Ordinal))
        {
            writer.Line($"{Registry}.RegisterInterface(typeof({model.InterfaceType}), static (context, id) => new {model.ProxyName}(context, id));");
        }
        foreach (var type in classes.OrderBy(c => c, System.StringComparer.Ordinal))
        {
            writer.Line($"{Registry}.RegisterClass(typeof({type}));");
        }
        foreach (var request in requests)
        {
            var methodId = request.MethodId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            writer.Line($"{Registry}.RegisterRequest({Naming.Literal(request.InterfaceName)}, {methodId}, static () => new {request.ClassName}());");
        }
        writer.Close();
        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    /// <summary>
    /// Every request class the compilation emits (one per method of every interface its grain interfaces declare or
    /// inherit, from any assembly), except those of generic interfaces: an open generic request can't be constructed,
    /// and its InterfaceName doesn't tell the type arguments apart.
    /// </summary>
    private static List<RequestModel> RegisteredRequests(IReadOnlyList<InterfaceModel> interfaces)
    {
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        return interfaces
            .SelectMany(i => i.Requests)
            .Where(r => r.TypeParameters.IsEmpty)
            .Where(r => seen.Add(r.GroupName + "#" + r.MethodId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(r => r.InterfaceName, System.StringComparer.Ordinal)
            .ThenBy(r => r.GroupName, System.StringComparer.Ordinal)
            .ThenBy(r => r.MethodId)
            .ToList();
    }
}
