using System.Collections.Concurrent;
using System.Reflection;
using Granary.Runtime.Messaging;
using Granary.Runtime.Stats;

namespace Granary.Runtime;

/// <summary>What the runtime knows about one grain class: its type name, scheduling attributes and constructor.</summary>
internal sealed class GrainClassInfo
{
    private readonly ConcurrentDictionary<Type, GrainMethodStats> _methodStats = new();

    public GrainClassInfo(Type classType)
    {
        ClassType = classType;
        TypeName = classType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultTypeName(classType);
        IsReentrant = classType.IsDefined(typeof(ReentrantAttribute), inherit: true);
        MaxLocalWorkers = classType.GetCustomAttribute<StatelessWorkerAttribute>(inherit: true)?.MaxLocalWorkers;
        CollectionAge = classType.GetCustomAttribute<CollectionAgeLimitAttribute>(inherit: true)?.Age;
        IsRemindable = typeof(IRemindable).IsAssignableFrom(classType);
        Interfaces = classType.GetInterfaces()
            .Where(i => typeof(IGrain).IsAssignableFrom(i) && i != typeof(IGrain) && i != typeof(IGrainWithStringKey) && i != typeof(IGrainWithGuidKey) && i != typeof(IGrainWithIntegerKey))
            .ToArray();
        Constructor = Activations.GrainConstructor.For(classType);
    }

    public Type ClassType { get; }

    /// <summary>The first part of the grain id.</summary>
    public string TypeName { get; }

    public bool IsReentrant { get; }

    /// <summary>Set for [StatelessWorker] classes.</summary>
    public int? MaxLocalWorkers { get; }

    public bool IsStatelessWorker => MaxLocalWorkers is not null;

    /// <summary>Per-class idle age from [CollectionAgeLimit], if any.</summary>
    public TimeSpan? CollectionAge { get; }

    public bool IsRemindable { get; }

    public IReadOnlyList<Type> Interfaces { get; }

    internal Activations.GrainConstructor Constructor { get; }

    /// <summary>The statistics slot for one method of this class; one dictionary look-up keyed by the generated request type.</summary>
    public GrainMethodStats StatsFor(GrainRequest request, RuntimeStatistics statistics)
    {
        var type = request.GetType();
        return _methodStats.TryGetValue(type, out var stats)
            ? stats
            : _methodStats.GetOrAdd(type, _ => statistics.ForMethod(TypeName, request.InterfaceName, request.MethodName));
    }

    /// <summary>Class name in lower case without a trailing "grain": OrderGrain → order.</summary>
    public static string DefaultTypeName(Type classType)
    {
        var name = classType.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0)
        {
            name = name[..tick];
        }
        if (name.Length > 5 && name.EndsWith("Grain", StringComparison.Ordinal))
        {
            name = name[..^5];
        }
        return name.ToLowerInvariant();
    }
}
