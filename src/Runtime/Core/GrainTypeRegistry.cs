using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Granary.Runtime.Messaging;

namespace Granary.Runtime;

/// <summary>
/// Process-wide table of grain interfaces (with their generated proxy factories) and grain classes.
/// Generated module initializers fill it when an assembly with grains loads; hosts force that load with
/// <see cref="EnsureLoaded(Assembly)"/>.
/// </summary>
public static class GrainTypeRegistry
{
    private static readonly ConcurrentDictionary<Type, Func<GrainReferenceContext, GrainId, GrainReference>> ProxyFactories = new();
    private static readonly ConcurrentDictionary<Type, byte> GrainClasses = new();
    private static readonly ConcurrentDictionary<(string InterfaceName, int MethodId), Func<GrainRequest>> RequestFactories = new();

    /// <summary>Registers the generated proxy of a grain interface. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RegisterInterface(Type grainInterface, Func<GrainReferenceContext, GrainId, GrainReference> proxyFactory) =>
        ProxyFactories[grainInterface] = proxyFactory;

    /// <summary>Registers a grain class. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RegisterClass(Type grainClass) => GrainClasses[grainClass] = 0;

    /// <summary>
    /// Registers the factory of the generated request class for one method, keyed by the request's
    /// <see cref="GrainRequest.InterfaceName"/> and <see cref="GrainRequest.MethodId"/>, so a request received from another
    /// silo can be re-created. Called by generated code. Every assembly that uses an interface emits its own request
    /// classes for it, with identical shapes; the last registration wins.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RegisterRequest(string interfaceName, int methodId, Func<GrainRequest> factory) =>
        RequestFactories[(interfaceName, methodId)] = factory;

    /// <summary>Runs the generated registration of <paramref name="assembly"/> if it has not run yet.</summary>
    public static void EnsureLoaded(Assembly assembly) =>
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);

    internal static bool TryGetProxyFactory(Type grainInterface, out Func<GrainReferenceContext, GrainId, GrainReference> factory) =>
        ProxyFactories.TryGetValue(grainInterface, out factory!);

    /// <summary>A new, empty request for the method, to fill with <see cref="GrainRequest.ReadArguments"/>.</summary>
    internal static bool TryCreateRequest(string interfaceName, int methodId, [MaybeNullWhen(false)] out GrainRequest request)
    {
        if (RequestFactories.TryGetValue((interfaceName, methodId), out var factory))
        {
            request = factory();
            return true;
        }
        request = null;
        return false;
    }

    internal static IReadOnlyCollection<Type> Classes => (IReadOnlyCollection<Type>)GrainClasses.Keys;

    /// <summary>Bumped on every registration so caches built from the registry know when to rebuild.</summary>
    internal static int Count => GrainClasses.Count + ProxyFactories.Count;
}
