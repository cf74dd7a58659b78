using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Granary.Hosting;

/// <summary>
/// The silo's <see cref="IGrainFactory"/>: Orleans's own, except that a reference by string key reuses the grain type
/// and grain interface type found for its interface the first time. Orleans's <c>GetGrain&lt;T&gt;(string)</c> resolves
/// them again on every call by reading the interface's attributes through reflection — about 5% of the silo's CPU on
/// a cached <c>GET …/orders/{id}</c>, which makes two references per request (bench/run.sh http, dotnet-trace).
/// Every other member forwards unchanged; a call naming a grain class prefix is not cached either.
/// </summary>
internal sealed class CachedInterfaceGrainFactory(IGrainFactory inner) : IGrainFactory
{
    /// <summary>
    /// Registers the decorator over the <see cref="IGrainFactory"/> <c>UseOrleans</c> registered (call after it): the
    /// last registration is the one resolved, and Orleans's is still what the decorator forwards to.
    /// </summary>
    public static void Decorate(IServiceCollection services)
    {
        var orleans = services.LastOrDefault(d => d.ServiceType == typeof(IGrainFactory) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("UseOrleans must register its grain factory before Granary decorates it.");
        services.AddSingleton<IGrainFactory>(provider => new CachedInterfaceGrainFactory(orleans switch
        {
            { ImplementationInstance: IGrainFactory instance } => instance,
            { ImplementationFactory: { } create } => (IGrainFactory)create(provider),
            _ => throw new InvalidOperationException("Orleans's grain factory is registered in a way Granary can't decorate."),
        }));
    }

    private readonly ConcurrentDictionary<Type, (GrainType Grain, GrainInterfaceType Interface)> _types = new();

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey
    {
        if (grainClassNamePrefix is not null)
        {
            return inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);
        }
        if (_types.TryGetValue(typeof(TGrainInterface), out var types))
        {
            return (TGrainInterface)inner.GetGrain(GrainId.Create(types.Grain, primaryKey), types.Interface);
        }
        var reference = inner.GetGrain<TGrainInterface>(primaryKey);
        if (reference is GrainReference grain)
        {
            _types.TryAdd(typeof(TGrainInterface), (grain.GrainId.Type, grain.InterfaceType));
        }
        return reference;
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey => inner.GetGrain<TGrainInterface>(primaryKey, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => inner.GetGrain<TGrainInterface>(primaryKey, keyExtension, grainClassNamePrefix);

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => inner.CreateObjectReference<TGrainObserverInterface>(obj);

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => inner.DeleteObjectReference<TGrainObserverInterface>(obj);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => inner.GetGrain(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) =>
        inner.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) =>
        inner.GetGrain(grainInterfaceType, grainPrimaryKey, keyExtension);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => inner.GetGrain<TGrainInterface>(grainId);

    public IAddressable GetGrain(GrainId grainId) => inner.GetGrain(grainId);

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => inner.GetGrain(grainId, interfaceType);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) =>
        inner.GetGrain(interfaceType, grainKey, grainClassNamePrefix);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => inner.GetGrain(interfaceType, grainKey);
}
