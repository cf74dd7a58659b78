namespace Granary.Grains.Orders;

/// <summary>
/// One Idempotency-Key of one organization, keyed "{orgId}/{key}": remembers the hash of the first request body and
/// the order it created, so a retry gets the first answer and the same key with another body is refused.
/// </summary>
[Alias("granary.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Creates the order the first time; afterwards returns what the first call created, or a mismatch.</summary>
    Task<IdempotentCreateResult> CreateOrder(string bodyHash, CreateOrder command);

    /// <summary>
    /// Deletes the record when it was created before <paramref name="createdBefore"/> (its retention ended): the key
    /// can then be used again, with any body. A record made since (the key reused after a sweep listed it) stays.
    /// </summary>
    Task Forget(DateTimeOffset createdBefore);
}

/// <summary>What happened to an idempotent create.</summary>
public enum IdempotentOutcome
{
    /// <summary>This call created the order.</summary>
    Created,

    /// <summary>A previous call with the same body created it; <see cref="IdempotentCreateResult.Order"/> is its first answer.</summary>
    Replayed,

    /// <summary>The key was used with a different body; nothing was created.</summary>
    BodyMismatch,
}

/// <param name="Order">The order as first created; null on <see cref="IdempotentOutcome.BodyMismatch"/>.</param>
[GenerateSerializer, Immutable, Alias("granary.IdempotentCreateResult")]
public sealed record IdempotentCreateResult(IdempotentOutcome Outcome, OrderSnapshot? Order);
