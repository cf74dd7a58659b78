using System.Security.Cryptography;
using System.Text;
using Granary.Grains.Scheduling;

namespace Granary.Grains.Orders;

/// <summary>
/// One order, keyed "{orgId}/{orderId}" (<see cref="OrderKey"/>). Transitions that the state machine doesn't allow
/// throw <see cref="OrderTransitionException"/>; calls on an order never created throw <see cref="OrderNotFoundException"/>.
/// Every transition appends an event to the order's outbox in the same state write, unless the event reaches nobody (no customer
/// email, no subscribed webhook endpoint).
/// </summary>
[Alias("granary.IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey, IRestoresReminders
{
    /// <summary>
    /// Creates the order (pending) and schedules its auto-cancel, remembering <paramref name="requestHash"/>. When the
    /// order exists already, nothing changes: a call with the same hash gets the first call's answer (the order as it
    /// was created), one with another hash <see cref="IdempotentOutcome.BodyMismatch"/>.
    /// </summary>
    Task<IdempotentCreateResult> Create(string requestHash, CreateOrder command);

    /// <summary>The order, or null when it was never created.</summary>
    [ReadOnly]
    Task<OrderSnapshot?> Get();

    /// <summary>Reserves stock for every line or none (<see cref="InsufficientStockException"/> names the short SKU).</summary>
    Task<OrderSnapshot> Confirm();

    Task<OrderSnapshot> Pack();

    /// <summary>Ships with a tracking number; the reserved stock leaves on hand.</summary>
    Task<OrderSnapshot> Ship(string trackingNumber);

    Task<OrderSnapshot> Deliver();

    /// <summary>Cancels a pending or confirmed order and releases its reservations.</summary>
    Task<OrderSnapshot> Cancel(string reason);

    /// <summary>Events recorded by transitions and not yet acknowledged, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<OrderEvent>> GetPendingEvents();

    /// <summary>Removes the given events from the outbox; unknown ids are ignored.</summary>
    Task AckEvents(IReadOnlyList<string> eventIds);
}

/// <summary>Builds order grain keys.</summary>
public static class OrderKey
{
    public static string For(string organizationId, string orderId) => $"{organizationId}/{orderId}";

    /// <summary>
    /// The id of the order an Idempotency-Key of an organization creates: 32 lower-case hex characters of SHA-256
    /// over both. The order grain is then the de-duplication point and the key needs no record of its own: a retry
    /// reaches the same grain, which remembers the request it was created with, for as long as the order exists.
    /// </summary>
    public static string IdFor(string organizationId, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        return Hash($"granary.order\n{organizationId}\n{idempotencyKey}");
    }

    /// <summary>The id of the order a channel creates for one external order id (a namespace of its own: no Idempotency-Key can reach it).</summary>
    public static string IdForChannelOrder(string organizationId, string channelId, string externalId)
    {
        ArgumentException.ThrowIfNullOrEmpty(externalId);
        return Hash($"granary.channel-order\n{organizationId}\n{channelId}\n{externalId}");
    }

    private static string Hash(string input) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(input)).AsSpan(0, 16));
}
