namespace Granary.Persistence.Tests.StateVersioning;

/// <summary>
/// Payloads exactly as an earlier build stored them (Orleans 10.4.2 binary serializer, which Granary's grain
/// storage uses), captured once and kept as bytes so that today's types are tested against yesterday's rows.
/// </summary>
/// <remarks>
/// Written by <c>Serializer.SerializeToArray(value)</c> with these types, since renamed or changed:
/// <code>
/// [GenerateSerializer, Alias("granary.tests.customer-profile")]
/// public sealed class CustomerProfile { [Id(0)] string Name; [Id(1)] int Visits; [Id(2)] string Retired; }
/// [GenerateSerializer, Alias("granary.tests.order-snapshot")]
/// public sealed class OrderSnapshot { [Id(0)] string Number; [Id(1)] Shipment? Shipment; [Id(2)] List&lt;Shipment&gt; History; }
/// [GenerateSerializer, Alias("granary.tests.shipment")]
/// public abstract class Shipment { [Id(0)] string Reference; }
/// [GenerateSerializer, Alias("granary.tests.shipment.courier")]
/// public sealed class CourierShipment : Shipment { [Id(0)] string Carrier; [Id(1)] string Tracking; }
/// </code>
/// </remarks>
internal static class YesterdaysRows
{
    /// <summary>CustomerProfile { Name = "Zofia Nowak", Visits = 42, Retired = "dropped-field" }.</summary>
    public static byte[] CustomerProfile => Convert.FromBase64String("IEAXWm9maWEgTm93YWsBqUEbZHJvcHBlZC1maWVsZOA=");

    /// <summary>
    /// OrderSnapshot { Number = "ORD-1001", Shipment = CourierShipment { Reference = "S-1", Carrier = "DHL",
    /// Tracking = "JD0001" }, History = [CourierShipment { Reference = "S-0", Carrier = "UPS", Tracking = "1Z999" }] }.
    /// </summary>
    public static byte[] OrderSnapshot => Convert.FromBase64String(
        "IEART1JELTEwMDExASHGTTI9Z3JhbmFyeS50ZXN0cy5zaGlwbWVudC5jb3VyaWVyQAdTLTHoQAdESExBDUpEMDAwMeAhAAM5A0AHUy0w6EAHVVBTQQsxWjk5OeDg4A==");
}
