namespace Granary.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    /// <summary>The grain asked for it with DeactivateOnIdle().</summary>
    ApplicationRequested,

    /// <summary>It was idle longer than its collection age.</summary>
    ActivationIdle,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>A state write found a newer etag: the in-memory state is stale.</summary>
    InconsistentState,

    /// <summary>The runtime (or a test) asked for it.</summary>
    RuntimeRequested,

    /// <summary>The cluster view changed and another silo owns the grain now.</summary>
    PlacementChanged,
}

/// <summary>Why an activation is being deactivated, with a human-readable description.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description)
{
    public override string ToString() => $"{Code}: {Description}";
}
