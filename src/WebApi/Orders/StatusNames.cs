using Granary.Grains.Orders;

namespace Granary.WebApi.Orders;

/// <summary>Order statuses as they appear on the wire ("pending", …), made once instead of per response.</summary>
internal static class StatusNames
{
    private static readonly string[] Names = [.. Enum.GetValues<OrderStatus>().Select(s => s.ToString().ToLowerInvariant())];

    public static string Of(OrderStatus status) => (uint)status < (uint)Names.Length ? Names[(int)status] : status.ToString().ToLowerInvariant();
}
