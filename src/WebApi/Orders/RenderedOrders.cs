using System.Runtime.CompilerServices;
using System.Text.Json;
using Granary.Grains.Orders;

namespace Granary.WebApi.Orders;

/// <summary>
/// The JSON body of <c>GET …/orders/{id}</c>, rendered once per order snapshot. An active order grain hands out the
/// same immutable <see cref="OrderSnapshot"/> until the order changes (calls inside a silo pass references), so the
/// bytes are reused for every read of an unchanged order and dropped with the snapshot. A snapshot that came from
/// another silo is a new object each time and is simply rendered again.
/// </summary>
internal static class RenderedOrders
{
    private static readonly ConditionalWeakTable<OrderSnapshot, byte[]> Bodies = new();

    public static byte[] Body(OrderSnapshot order) =>
        Bodies.TryGetValue(order, out var body) ? body : Bodies.GetValue(order, Render);

    private static byte[] Render(OrderSnapshot order) =>
        JsonSerializer.SerializeToUtf8Bytes(OrderResponse.From(order), OrderJson.Default.OrderResponse);
}
