using System.Reflection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Serialization.Configuration;
using Orleans.Serialization.Internal;

namespace Granary.Silo.Hosting;

/// <summary>
/// Grains that ship apart from the silo (integration-test grains, plug-ins), named by file path in
/// <c>Granary:GrainAssemblies</c>. Orleans finds grain classes, proxies and serializers through the metadata its code
/// generator puts in each assembly, but only in assemblies it saw when the silo was composed: one loaded from a path
/// is registered here, with the application parts it names.
/// </summary>
internal static class GrainAssemblies
{
    public const string Section = "Granary:GrainAssemblies";

    public static ISiloBuilder AddGrainAssemblies(this ISiloBuilder silo, IConfiguration configuration)
    {
        foreach (var path in configuration.GetSection(Section).Get<string[]>() ?? [])
        {
            silo.AddGrainAssembly(GrainAssemblyLoader.Load(path));
        }
        return silo;
    }

    /// <summary>Registers the Orleans metadata of <paramref name="assembly"/> and of the application parts it names, each once.</summary>
    public static ISiloBuilder AddGrainAssembly(this ISiloBuilder silo, Assembly assembly)
    {
        if (!assembly.IsDefined(typeof(ApplicationPartAttribute)))
        {
            throw new InvalidOperationException(
                $"{Section} names {assembly.Location}, which Orleans's code generator did not process: reference Microsoft.Orleans.Sdk from its project.");
        }
        var parts = new HashSet<Assembly>();
        ReferencedAssemblyProvider.AddAssembly(parts, assembly);
        var registered = silo.Services
            .Where(d => d.ServiceType == typeof(IConfigureOptions<TypeManifestOptions>) && d.ImplementationType is not null)
            .Select(d => d.ImplementationType!)
            .ToHashSet();
        foreach (var part in parts)
        {
            // A metadata provider registered twice would add its types twice; the silo's own references are already in.
            var providers = part.GetCustomAttributes<TypeManifestProviderAttribute>().Select(a => a.ProviderType);
            if (!providers.Any(registered.Contains))
            {
                silo.Services.AddSerializer(serializer => serializer.AddAssembly(part));
            }
        }
        return silo;
    }
}
