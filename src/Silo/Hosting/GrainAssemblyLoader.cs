using System.Reflection;
using System.Runtime.Loader;

namespace Granary.Silo.Hosting;

/// <summary>
/// Loads extra grain assemblies named in <c>Granary:GrainAssemblies</c> (file paths), for grains that ship apart from
/// the silo (integration-test grains, plug-ins). Their own dependencies resolve from the same folder.
/// </summary>
internal static class GrainAssemblyLoader
{
    public static Assembly Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Granary:GrainAssemblies names '{path}', which does not exist.", fullPath);
        }
        var folder = Path.GetDirectoryName(fullPath)!;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var candidate = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }
}
