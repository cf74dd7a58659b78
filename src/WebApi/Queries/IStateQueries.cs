using Granary.Grains.Emails;
using Granary.Grains.Inventory;
using Granary.Grains.Jobs;
using Granary.Grains.Orders;
using Granary.Grains.Webhooks;

namespace Granary.WebApi.Queries;

/// <summary>
/// Lists read straight from the grain state rows (table granary_grain_state), never by scanning grains. A write
/// that answered 2xx is visible: grains write their row before they return.
/// </summary>
internal interface IStateQueries
{
    /// <summary>False for memory storage: there is no table to read, and lists answer 501.</summary>
    bool Supported { get; }

    /// <summary>Newest first, then by order key descending; <see cref="OrderListQuery.After"/> continues a page.</summary>
    Task<Page<OrderSnapshot>> ListOrdersAsync(OrderListQuery query, CancellationToken cancellationToken);

    /// <summary>By SKU, ascending; <paramref name="afterSku"/> continues a page.</summary>
    Task<Page<StockLevel>> ListInventoryAsync(string organizationId, string? afterSku, int limit, CancellationToken cancellationToken);

    /// <summary>Webhook deliveries with their attempts, newest first; the sent body is left out.</summary>
    Task<CursorPage<WebhookDeliveryInfo>> ListDeliveriesAsync(DeliveryListQuery query, CancellationToken cancellationToken);

    /// <summary>Email jobs with one status, newest first.</summary>
    Task<CursorPage<EmailJobInfo>> ListEmailJobsAsync(string organizationId, JobStatus status, OrderCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Jobs of the organization per kind and status (missing pairs are zero).</summary>
    Task<IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long>> CountJobsAsync(string organizationId, CancellationToken cancellationToken);
}

/// <summary>Filters of the delivery list: one endpoint (or all), one status (or all).</summary>
internal sealed record DeliveryListQuery(string OrganizationId, string? EndpointId, JobStatus? Status, OrderCursor? After, int Limit);

/// <summary>One page and the cursor of the next (null on the last page), taken from the last row's stored text.</summary>
internal sealed record CursorPage<T>(IReadOnlyList<T> Items, OrderCursor? Next);

/// <summary>Filters of the order list. <see cref="Status"/> is the stored enum name ("Pending"); times are bounds on creation.</summary>
internal sealed record OrderListQuery(
    string OrganizationId,
    string? Status,
    string? Channel,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    string? CustomerEmail,
    OrderCursor? After,
    int Limit);

/// <summary>Where a page (of orders, deliveries, jobs) ended: the last row's stored createdAt text and grain key.</summary>
internal sealed record OrderCursor(string CreatedAt, string GrainKey);

/// <summary>One page; <see cref="More"/> when another page follows.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, bool More);
