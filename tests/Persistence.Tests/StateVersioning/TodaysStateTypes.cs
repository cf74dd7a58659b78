namespace Granary.Persistence.Tests.StateVersioning;

// Today's shape of state types whose older rows are in YesterdaysRows. What changed since:
// CustomerProfile kept its name, lost field 2 (Retired) and gained field 3 (Email); OrderSnapshot was
// renamed OrderRecord, Shipment was renamed Delivery and CourierShipment was renamed ParcelDelivery, each
// keeping its [Alias]; OrderRecord gained Total and ParcelDelivery gained DeliveredAt.

/// <summary>Same type as yesterday, one field removed and one added.</summary>
[GenerateSerializer, Alias("granary.tests.customer-profile")]
public sealed class CustomerProfile
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public int Visits { get; set; }

    [Id(3)]
    public string? Email { get; set; }
}

/// <summary>Yesterday's OrderSnapshot, renamed; the alias carries the identity.</summary>
[GenerateSerializer, Alias("granary.tests.order-snapshot")]
public sealed class OrderRecord
{
    [Id(0)]
    public string Number { get; set; } = "";

    [Id(1)]
    public Delivery? Shipment { get; set; }

    [Id(2)]
    public List<Delivery> History { get; set; } = [];

    [Id(3)]
    public decimal Total { get; set; }
}

/// <summary>Yesterday's Shipment base type, renamed.</summary>
[GenerateSerializer, Alias("granary.tests.shipment")]
public abstract class Delivery
{
    [Id(0)]
    public string Reference { get; set; } = "";
}

/// <summary>Yesterday's CourierShipment, renamed: stored rows name it only by its alias.</summary>
[GenerateSerializer, Alias("granary.tests.shipment.courier")]
public sealed class ParcelDelivery : Delivery
{
    [Id(0)]
    public string Carrier { get; set; } = "";

    [Id(1)]
    public string Tracking { get; set; } = "";

    [Id(2)]
    public DateTimeOffset? DeliveredAt { get; set; }
}
