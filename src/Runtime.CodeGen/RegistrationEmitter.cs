using System.Collections.Generic;
using System.Linq;

namespace Granary.Runtime.CodeGen;

/// <summary>
/// Writes the module initializer that registers the compilation's grain interfaces (with their proxy factories) and
/// grain classes in GrainTypeRegistry when the assembly loads.
/// </summary>
internal static class RegistrationEmitter
{
    private const string Registry = "global::Granary.Runtime.GrainTypeRegistry";

    public static string? Emit(string ns, IReadOnlyList<InterfaceModel> interfaces, IReadOnlyList<string> classes)
    {
        // Open generic interfaces have no factory the registry can hold; their proxies exist but are not registered.
        var registered = interfaces.Where(i => !i.IsGeneric).ToList();
        if (registered.Count == 0 && classes.Count == 0)
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
        writer.Close();
        writer.Close();
        writer.Close();
        return writer.ToString();
    }
}
