using System.Collections.Concurrent;
using Granary.Runtime.Messaging;

namespace Granary.Runtime;

/// <summary>Creates grain references (proxies) bound to this silo's dispatcher. No I/O.</summary>
internal sealed class GrainFactory : IGrainFactory
{
    private readonly GrainReferenceContext _context;
    private readonly GrainTypeMap _types;
    private readonly ConcurrentDictionary<Type, Func<GrainReferenceContext, GrainId, GrainReference>> _proxies = new();

    public GrainFactory(GrainReferenceContext context, GrainTypeMap types)
    {
        _context = context;
        _types = types;
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return Create<TGrainInterface>(new GrainId(_types.ForInterface(typeof(TGrainInterface)).TypeName, key));
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid key) where TGrainInterface : IGrainWithGuidKey =>
        Create<TGrainInterface>(new GrainId(_types.ForInterface(typeof(TGrainInterface)).TypeName, GrainId.KeyOf(key)));

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        Create<TGrainInterface>(new GrainId(_types.ForInterface(typeof(TGrainInterface)).TypeName, GrainId.KeyOf(key)));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IGrain
    {
        var info = _types.ForTypeName(grainId.Type)
            ?? throw new ArgumentException($"No grain class has grain type name '{grainId.Type}'.", nameof(grainId));
        if (!typeof(TGrainInterface).IsAssignableFrom(info.ClassType))
        {
            throw new ArgumentException($"Grain {grainId} ({info.ClassType.Name}) does not implement {typeof(TGrainInterface).Name}.", nameof(grainId));
        }
        return Create<TGrainInterface>(grainId);
    }

    private TGrainInterface Create<TGrainInterface>(GrainId grainId)
    {
        var factory = _proxies.GetOrAdd(typeof(TGrainInterface), static type =>
            GrainTypeRegistry.TryGetProxyFactory(type, out var f)
                ? f
                : throw new InvalidOperationException(
                    $"No proxy was generated for {type.FullName}. The project declaring it must reference Granary.Runtime.CodeGen as an analyzer."));
        return (TGrainInterface)(object)factory(_context, grainId);
    }
}
