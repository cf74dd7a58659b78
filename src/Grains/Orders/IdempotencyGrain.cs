using Granary.ReadModel;

namespace Granary.Grains.Orders;

/// <summary>The stored shape of one Idempotency-Key.</summary>
[GenerateSerializer, Alias("granary.state.IdempotencyState")]
public sealed record IdempotencyState
{
    /// <summary>Counts the state writes (the read-model row's revision).</summary>
    [Id(0)]
    public long Revision { get; init; }

    [Id(1)]
    public string BodyHash { get; init; } = "";

    /// <summary>Chosen on the first call, before the order exists, so a retry after a crash creates the same order.</summary>
    [Id(2)]
    public string OrderId { get; init; } = "";

    /// <summary>The first answer; null until the order was created.</summary>
    [Id(3)]
    public OrderSnapshot? FirstResponse { get; init; }

    [Id(4)]
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// One Idempotency-Key of one organization, keyed "{orgId}/{key}". Its row in the read model tells the clean-up sweep
/// when the key was first used; it is kept as <see cref="ReadModelGrain"/> says.
/// </summary>
[GrainType("idempotency")]
public sealed class IdempotencyGrain(
    [PersistentState("idempotency")] IPersistentState<IdempotencyState> record,
    IReadModelWriter views,
    TimeProvider time) : ReadModelGrain, IIdempotencyGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (record.RecordExists)
        {
            await views.WriteIdempotencyRecordAsync(this.GetPrimaryKeyString(), record.State.CreatedAt, record.State.Revision, cancellationToken);
        }
    }

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
            record.State = new IdempotencyState { BodyHash = bodyHash, OrderId = Guid.NewGuid().ToString("N"), CreatedAt = time.GetUtcNow() };
            await Store();
        }

        // Create is idempotent on the order grain, so finishing a call that crashed half-way creates nothing twice.
        var organizationId = this.GetPrimaryKeyString().Split('/', 2)[0];
        var snapshot = await GrainFactory.GetGrain<IOrderGrain>(OrderKey.For(organizationId, record.State.OrderId)).Create(command);
        record.State = record.State with { FirstResponse = snapshot };
        await Store();
        return new IdempotentCreateResult(created ? IdempotentOutcome.Replayed : IdempotentOutcome.Created, snapshot);
    }

    public async Task Forget(DateTimeOffset createdBefore)
    {
        if (record.RecordExists && record.State.CreatedAt < createdBefore)
        {
            var revision = record.State.Revision;
            await record.ClearStateAsync();
            await WriteRowAsync(() => views.DeleteIdempotencyRecordAsync(this.GetPrimaryKeyString(), revision));
        }
        DeactivateOnIdle();
    }

    /// <summary>Writes the record as the next revision, then its row.</summary>
    private async Task Store()
    {
        record.State = record.State with { Revision = record.State.Revision + 1 };
        await record.WriteStateAsync();
        await WriteRowAsync(() => views.WriteIdempotencyRecordAsync(this.GetPrimaryKeyString(), record.State.CreatedAt, record.State.Revision));
    }
}
