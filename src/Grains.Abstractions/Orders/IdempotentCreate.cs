namespace Granary.Grains.Orders;

/// <summary>What happened to an idempotent create (<see cref="IOrderGrain.Create"/>).</summary>
public enum IdempotentOutcome
{
    /// <summary>This call created the order.</summary>
    Created,

    /// <summary>A previous call with the same request created it; <see cref="IdempotentCreateResult.Order"/> is that call's answer.</summary>
    Replayed,

    /// <summary>The key was used with a different request; nothing was created.</summary>
    BodyMismatch,
}

/// <param name="Order">The order as first created; null on <see cref="IdempotentOutcome.BodyMismatch"/>.</param>
[GenerateSerializer, Immutable, Alias("granary.IdempotentCreateResult")]
public sealed record IdempotentCreateResult(IdempotentOutcome Outcome, OrderSnapshot? Order);
