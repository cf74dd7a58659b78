using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;

namespace Granary.ReadModel;

/// <summary>
/// Lists read from the read model's rows, never by scanning grains. A write a grain acknowledged is visible: grains
/// write their row before they answer.
/// </summary>
public interface IListQueries
{
    /// <summary>False on memory storage: there is no table to read, and lists answer that they need SQL.</summary>
    bool Supported { get; }

    /// <summary>Newest first, then by order key descending; <see cref="OrderListQuery.After"/> continues a page.</summary>
    Task<CursorPage<OrderSnapshot>> ListOrdersAsync(OrderListQuery query, CancellationToken cancellationToken);

    /// <summary>By SKU, ascending; <paramref name="afterSku"/> continues a page.</summary>
    Task<Page<StockLevel>> ListInventoryAsync(string organizationId, string? afterSku, int limit, CancellationToken cancellationToken);

    /// <summary>Webhook deliveries with their attempts, newest first; the sent body is left out.</summary>
    Task<CursorPage<Grains.Webhooks.WebhookDeliveryInfo>> ListDeliveriesAsync(DeliveryListQuery query, CancellationToken cancellationToken);

    /// <summary>Email jobs with one status, newest first.</summary>
    Task<CursorPage<EmailJobInfo>> ListEmailJobsAsync(string organizationId, JobStatus status, ListCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Jobs of the organization per kind and status (missing pairs are zero).</summary>
    Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountJobsAsync(string organizationId, CancellationToken cancellationToken);

    /// <summary>Jobs pending, retrying and dead in every organization, per kind and status (missing pairs are zero).</summary>
    Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountOpenJobsAsync(CancellationToken cancellationToken);
}

/// <summary>Filters of the delivery list: one endpoint (or all), one status (or all).</summary>
public sealed record DeliveryListQuery(string OrganizationId, string? EndpointId, JobStatus? Status, ListCursor? After, int Limit);

/// <summary>Filters of the order list; times are bounds on creation (from inclusive, to exclusive).</summary>
public sealed record OrderListQuery(
    string OrganizationId,
    OrderStatus? Status,
    string? Channel,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    string? CustomerEmail,
    ListCursor? After,
    int Limit);

/// <summary>Where a page ended: the last row's creation time (µs since the Unix epoch) and grain key.</summary>
public sealed record ListCursor(long CreatedAt, string GrainKey);

/// <summary>One page and the cursor of the next (null on the last page).</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, ListCursor? Next);

/// <summary>One page; <see cref="More"/> when another page follows.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool More);
