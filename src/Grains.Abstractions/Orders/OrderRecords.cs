namespace Granary.Grains.Orders;

/// <summary>One line of an order; <see cref="UnitPrice"/> in the order's currency.</summary>
[GenerateSerializer, Immutable, Alias("granary.OrderLine")]
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Who ordered.</summary>
[GenerateSerializer, Immutable, Alias("granary.Customer")]
public sealed record Customer(string Email, string? Name);

/// <summary>Where the order goes.</summary>
[GenerateSerializer, Immutable, Alias("granary.Address")]
public sealed record Address(string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

/// <summary>What creating an order takes.</summary>
[GenerateSerializer, Immutable, Alias("granary.CreateOrder")]
public sealed record CreateOrder(
    IReadOnlyList<OrderLine> Lines,
    string Currency,
    Customer Customer,
    Address ShippingAddress,
    string? Channel = null,
    string? ExternalId = null);

/// <summary>An order as callers see it. Times are UTC; money is in <see cref="Currency"/> (ISO 4217).</summary>
[GenerateSerializer, Immutable, Alias("granary.OrderSnapshot")]
public sealed record OrderSnapshot(
    string Id,
    string OrganizationId,
    OrderStatus Status,
    IReadOnlyList<OrderLine> Lines,
    string Currency,
    decimal Total,
    Customer Customer,
    Address ShippingAddress,
    string? Channel,
    string? ExternalId,
    string? TrackingNumber,
    string? CancelReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A domain event of the outbox: <see cref="Type"/> is "order.created", "order.confirmed", ….</summary>
[GenerateSerializer, Immutable, Alias("granary.OrderEvent")]
public sealed record OrderEvent(string Id, string Type, DateTimeOffset OccurredAt, OrderSnapshot Order);
