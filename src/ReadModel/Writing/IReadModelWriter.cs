using Granary.Grains.Emails;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;

namespace Granary.ReadModel;

/// <summary>
/// What grains call after each state write so that lists, job counts and the clean-up sweep can read SQL rows
/// instead of grain state (a SKU's rows are <see cref="IStockRows"/>). <c>revision</c> is the grain's write counter: a row is replaced only by a higher one, so a
/// late or repeated write never moves a row back. Grains call it before answering (a 2xx is in the next list) and
/// again when they activate (a write lost between the state and the row is repaired).
/// </summary>
public interface IReadModelWriter
{
    Task WriteOrderAsync(OrderSnapshot order, long revision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="writeState"/> (the order grain's state write) and writes the order's row: in the same
    /// transaction where the grain storage takes it along (PostgreSQL), otherwise right after the state.
    /// </summary>
    Task WriteOrderWithStateAsync(Func<Task> writeState, OrderSnapshot order, long revision);

    Task WriteDeliveryAsync(WebhookDeliveryInfo delivery, long revision, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="WriteOrderWithStateAsync"/>, for a webhook delivery.</summary>
    Task WriteDeliveryWithStateAsync(Func<Task> writeState, WebhookDeliveryInfo delivery, long revision);

    Task WriteEmailJobAsync(EmailJobInfo job, long revision, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="WriteOrderWithStateAsync"/>, for an email job.</summary>
    Task WriteEmailJobWithStateAsync(Func<Task> writeState, EmailJobInfo job, long revision);

    /// <summary>A refresh-token family (grain key = family id) for the clean-up sweep.</summary>
    Task WriteRefreshFamilyAsync(string grainKey, bool revoked, DateTimeOffset expiresAt, long revision, CancellationToken cancellationToken = default);

    /// <summary>Removes the family's row unless a newer revision wrote it.</summary>
    Task DeleteRefreshFamilyAsync(string grainKey, long revision, CancellationToken cancellationToken = default);
}
