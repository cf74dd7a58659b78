using Granary.Grains.Orders;

namespace Granary.Grains.Orders;

/// <summary>
/// The stored shape of an order. The SQL lists read <c>organizationId</c>, <c>status</c>, <c>channel</c>,
/// <c>customerEmail</c> and <c>createdAt</c> straight from this JSON (see src/WebApi/Queries), so renaming them
/// means changing the queries and their indexes.
/// </summary>
public sealed record OrderState
{
    public bool Created { get; init; }

    public string Id { get; init; } = "";

    public string OrganizationId { get; init; } = "";

    public OrderStatus Status { get; init; }

    public List<OrderLine> Lines { get; init; } = [];

    public string Currency { get; init; } = "";

    public decimal Total { get; init; }

    public Customer Customer { get; init; } = new("", null);

    /// <summary>The customer's email in lower case, for the list filter.</summary>
    public string CustomerEmail { get; init; } = "";

    public Address ShippingAddress { get; init; } = new("", null, "", null, "", "");

    public string? Channel { get; init; }

    public string? ExternalId { get; init; }

    public string? TrackingNumber { get; init; }

    public string? CancelReason { get; init; }

    /// <summary>The organization's time zone when the order was created, for the stats grain's "today".</summary>
    public string TimeZone { get; init; } = "UTC";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The outbox: events recorded with their transition and not yet acknowledged.</summary>
    public List<OrderEvent> PendingEvents { get; init; } = [];

    public OrderSnapshot ToSnapshot() => new(
        Id, OrganizationId, Status, Lines, Currency, Total, Customer, ShippingAddress, Channel, ExternalId,
        TrackingNumber, CancelReason, CreatedAt, UpdatedAt);
}
