using Granary.Grains.Orders;

namespace Granary.Grains.Orders;

/// <summary>The stored shape of an order; lists read its read-model row (src/ReadModel), written after each state write.</summary>
public sealed record OrderState
{
    public bool Created { get; init; }

    /// <summary>Counts the state writes; the read-model row carries it so an older write never replaces a newer one.</summary>
    public long Revision { get; init; }

    public string Id { get; init; } = "";

    public string OrganizationId { get; init; } = "";

    public OrderStatus Status { get; init; }

    public List<OrderLine> Lines { get; init; } = [];

    public string Currency { get; init; } = "";

    public decimal Total { get; init; }

    public Customer Customer { get; init; } = new("", null);

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
