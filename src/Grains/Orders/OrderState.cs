using Granary.Grains.Orders;

namespace Granary.Grains.Orders;

/// <summary>The stored shape of an order; lists read its read-model row (src/ReadModel), written after each state write.</summary>
[GenerateSerializer, Alias("granary.state.OrderState")]
public sealed record OrderState
{
    [Id(0)]
    public bool Created { get; init; }

    /// <summary>Counts the state writes; the read-model row carries it so an older write never replaces a newer one.</summary>
    [Id(1)]
    public long Revision { get; init; }

    [Id(2)]
    public string Id { get; init; } = "";

    [Id(3)]
    public string OrganizationId { get; init; } = "";

    [Id(4)]
    public OrderStatus Status { get; init; }

    [Id(5)]
    public List<OrderLine> Lines { get; init; } = [];

    [Id(6)]
    public string Currency { get; init; } = "";

    [Id(7)]
    public decimal Total { get; init; }

    [Id(8)]
    public Customer Customer { get; init; } = new("", null);

    [Id(9)]
    public Address ShippingAddress { get; init; } = new("", null, "", null, "", "");

    [Id(10)]
    public string? Channel { get; init; }

    [Id(11)]
    public string? ExternalId { get; init; }

    [Id(12)]
    public string? TrackingNumber { get; init; }

    [Id(13)]
    public string? CancelReason { get; init; }

    /// <summary>The organization's time zone when the order was created, for the stats grain's "today".</summary>
    [Id(14)]
    public string TimeZone { get; init; } = "UTC";

    [Id(15)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(16)]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The outbox: events recorded with their transition and not yet acknowledged.</summary>
    [Id(17)]
    public List<OrderEvent> PendingEvents { get; init; } = [];

    /// <summary>The hash of the request that created the order (Idempotency-Key retries are compared with it).</summary>
    [Id(18)]
    public string RequestHash { get; init; } = "";

    /// <summary>
    /// The order as its creation answered it: only status, tracking number, cancel reason and update time change
    /// after creation, so the first answer needs no copy of its own.
    /// </summary>
    public OrderSnapshot ToCreatedSnapshot() => (this with { Status = OrderStatus.Pending, TrackingNumber = null, CancelReason = null, UpdatedAt = CreatedAt }).ToSnapshot();

    public OrderSnapshot ToSnapshot() => new(
        Id, OrganizationId, Status, Lines, Currency, Total, Customer, ShippingAddress, Channel, ExternalId,
        TrackingNumber, CancelReason, CreatedAt, UpdatedAt);
}
