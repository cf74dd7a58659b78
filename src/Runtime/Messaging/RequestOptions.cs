namespace Granary.Runtime.Messaging;

/// <summary>Per-method scheduling options, set by the source generator from attributes on the interface method.</summary>
[Flags]
public enum RequestOptions
{
    /// <summary>An ordinary request: it waits for the activation's current request to finish unless the grain is [Reentrant].</summary>
    None = 0,

    /// <summary>[AlwaysInterleave]: may run while other requests of the activation are awaiting.</summary>
    AlwaysInterleave = 1,

    /// <summary>[ReadOnly]: may interleave with other read-only requests.</summary>
    ReadOnly = 2,
}
