namespace Granary.Grains.Orders;

/// <summary>Order statuses as the API and the metrics name them ("pending", …), made once instead of per use.</summary>
public static class StatusNames
{
    private static readonly string[] Names = [.. Enum.GetValues<OrderStatus>().Select(s => s.ToString().ToLowerInvariant())];

    public static string Of(OrderStatus status) => (uint)status < (uint)Names.Length ? Names[(int)status] : status.ToString().ToLowerInvariant();
}
