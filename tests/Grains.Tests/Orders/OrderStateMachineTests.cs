using Granary.Grains.Orders;

namespace Granary.Grains.Tests.Orders;

/// <summary>The order state machine alone, without a silo.</summary>
public sealed class OrderStateMachineTests
{
    public static TheoryData<OrderStatus, OrderAction, OrderStatus> Allowed => new()
    {
        { OrderStatus.Pending, OrderAction.Confirm, OrderStatus.Confirmed },
        { OrderStatus.Pending, OrderAction.Cancel, OrderStatus.Cancelled },
        { OrderStatus.Confirmed, OrderAction.Pack, OrderStatus.Packed },
        { OrderStatus.Confirmed, OrderAction.Cancel, OrderStatus.Cancelled },
        { OrderStatus.Packed, OrderAction.Ship, OrderStatus.Shipped },
        { OrderStatus.Shipped, OrderAction.Deliver, OrderStatus.Delivered },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Next_AllowedMove_GivesItsTarget(OrderStatus from, OrderAction action, OrderStatus to)
    {
        Assert.True(OrderStateMachine.CanApply(from, action));
        Assert.Equal(to, OrderStateMachine.Next(from, action));
    }

    [Fact]
    public void Next_EveryOtherMove_Throws()
    {
        var allowed = OrderStateMachine.AllowedMoves.Select(m => (m.From, m.Action)).ToHashSet();
        Assert.Equal(6, allowed.Count);
        var refused = 0;
        foreach (var from in Enum.GetValues<OrderStatus>())
        {
            foreach (var action in Enum.GetValues<OrderAction>())
            {
                if (allowed.Contains((from, action)))
                {
                    continue;
                }
                Assert.False(OrderStateMachine.CanApply(from, action));
                var error = Assert.Throws<OrderTransitionException>(() => OrderStateMachine.Next(from, action));
                Assert.Contains(from.ToString().ToLowerInvariant(), error.Message, StringComparison.Ordinal);
                refused++;
            }
        }
        Assert.Equal((6 * 5) - 6, refused);
    }

    [Fact]
    public void EventType_IsOrderDotStatus()
    {
        Assert.Equal("order.confirmed", OrderStateMachine.EventType(OrderStatus.Confirmed));
        Assert.Equal("order.cancelled", OrderStateMachine.EventType(OrderStatus.Cancelled));
    }

    [Fact]
    public void InsufficientStockException_KeepsTheSkuInItsMessage()
    {
        var error = new InsufficientStockException(InsufficientStockException.For("SKU-1", 3).Message);
        Assert.Equal("SKU-1", error.Sku);
    }
}
