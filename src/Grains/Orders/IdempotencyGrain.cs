namespace Granary.Grains.Orders;

/// <summary>The stored shape of one Idempotency-Key.</summary>
public sealed record IdempotencyState
{
    public string BodyHash { get; init; } = "";

    /// <summary>Chosen on the first call, before the order exists, so a retry after a crash creates the same order.</summary>
    public string OrderId { get; init; } = "";

    /// <summary>The first answer; null until the order was created.</summary>
    public OrderSnapshot? FirstResponse { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One Idempotency-Key of one organization, keyed "{orgId}/{key}".</summary>
public sealed class IdempotencyGrain([PersistentState("idempotency")] IPersistentState<IdempotencyState> record) : Grain, IIdempotencyGrain
{
    public async Task<IdempotentCreateResult> CreateOrder(string bodyHash, CreateOrder command)
    {
        ArgumentException.ThrowIfNullOrEmpty(bodyHash);
        if (record.RecordExists && !string.Equals(record.State.BodyHash, bodyHash, StringComparison.Ordinal))
        {
            return new IdempotentCreateResult(IdempotentOutcome.BodyMismatch, null);
        }
        if (record.State.FirstResponse is { } first)
        {
            return new IdempotentCreateResult(IdempotentOutcome.Replayed, first);
        }

        var created = record.RecordExists;
        if (!created)
        {
            record.State = new IdempotencyState { BodyHash = bodyHash, OrderId = Guid.NewGuid().ToString("N"), CreatedAt = TimeProvider.GetUtcNow() };
            await record.WriteStateAsync();
        }

        // Create is idempotent on the order grain, so finishing a call that crashed half-way creates nothing twice.
        var organizationId = GetPrimaryKeyString().Split('/', 2)[0];
        var snapshot = await GrainFactory.GetGrain<IOrderGrain>(OrderKey.For(organizationId, record.State.OrderId)).Create(command);
        record.State = record.State with { FirstResponse = snapshot };
        await record.WriteStateAsync();
        return new IdempotentCreateResult(created ? IdempotentOutcome.Replayed : IdempotentOutcome.Created, snapshot);
    }

    public async Task Forget(DateTimeOffset createdBefore)
    {
        if (record.RecordExists && record.State.CreatedAt < createdBefore)
        {
            await record.ClearStateAsync();
        }
        DeactivateOnIdle();
    }
}
