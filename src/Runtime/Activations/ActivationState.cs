namespace Granary.Runtime.Activations;

/// <summary>
/// The lifecycle of one activation. Only these moves are allowed:
/// <code>
///   Creating ──▶ Activating ──▶ Active ──▶ Deactivating ──▶ Dead
///                    │                                       ▲
///                    └──────────── (activation failed) ──────┘
/// </code>
/// </summary>
internal enum ActivationState
{
    Creating,
    Activating,
    Active,
    Deactivating,
    Dead,
}

internal static class ActivationStateMachine
{
    public static bool IsAllowed(ActivationState from, ActivationState to) => (from, to) switch
    {
        (ActivationState.Creating, ActivationState.Activating) => true,
        (ActivationState.Activating, ActivationState.Active) => true,
        (ActivationState.Activating, ActivationState.Dead) => true,
        (ActivationState.Active, ActivationState.Deactivating) => true,
        (ActivationState.Deactivating, ActivationState.Dead) => true,
        _ => false,
    };

    /// <summary>Returns <paramref name="to"/> or throws when the move is not in the diagram.</summary>
    public static ActivationState Move(ActivationState from, ActivationState to, GrainId grainId) =>
        IsAllowed(from, to)
            ? to
            : throw new InvalidOperationException($"Activation {grainId} can't move from {from} to {to}.");
}
