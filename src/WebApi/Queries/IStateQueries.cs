using Granary.Grains.Inventory;
using Granary.Grains.Orders;

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
}

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

/// <summary>Where a page of orders ended: the last row's stored createdAt text and grain key.</summary>
internal sealed record OrderCursor(string CreatedAt, string GrainKey);

/// <summary>One page; <see cref="More"/> when another page follows.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, bool More);
