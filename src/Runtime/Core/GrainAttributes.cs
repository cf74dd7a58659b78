namespace Granary.Runtime;

/// <summary>Lets requests of this grain class interleave at their awaits instead of running one after another.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute
{
}

/// <summary>The interface method may run while other requests of the same activation are awaiting.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}

/// <summary>The interface method does not change state: read-only requests may interleave with each other.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute
{
}

/// <summary>Names the grain type (the first part of a <see cref="GrainId"/>) instead of the default derived from the class name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}

/// <summary>Sets how long an activation of this class may stay idle before it is deactivated.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    /// <summary>Idle minutes before collection.</summary>
    public double Minutes { get; init; }

    /// <summary>Idle seconds before collection (added to <see cref="Minutes"/>).</summary>
    public double Seconds { get; init; }

    /// <summary>The total age.</summary>
    public TimeSpan Age => TimeSpan.FromMinutes(Minutes) + TimeSpan.FromSeconds(Seconds);
}

/// <summary>
/// Activations of this class are local to the calling silo, never registered, never persisted; the silo keeps up to
/// <see cref="MaxLocalWorkers"/> of them per grain id and adds one when all are busy.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StatelessWorkerAttribute : Attribute
{
    /// <summary>At most <see cref="Environment.ProcessorCount"/> local workers.</summary>
    public StatelessWorkerAttribute()
    {
        MaxLocalWorkers = Environment.ProcessorCount;
    }

    /// <summary>At most <paramref name="maxLocalWorkers"/> local workers (≤ 0 means processor count).</summary>
    public StatelessWorkerAttribute(int maxLocalWorkers)
    {
        MaxLocalWorkers = maxLocalWorkers > 0 ? maxLocalWorkers : Environment.ProcessorCount;
    }

    /// <summary>The most activations of one grain id on one silo.</summary>
    public int MaxLocalWorkers { get; }
}
