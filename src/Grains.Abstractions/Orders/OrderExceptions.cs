namespace Granary.Grains.Orders;

// Exceptions cross silos as type + message only (see RemoteGrainException), so each keeps what callers need in the
// message and has a (string message) constructor.

/// <summary>The state machine doesn't allow this move from the order's current status.</summary>
[GenerateSerializer, Alias("granary.OrderTransitionException")]
public sealed class OrderTransitionException(string message) : InvalidOperationException(message)
{
    public static OrderTransitionException For(OrderStatus from, OrderAction action) =>
        new($"An order that is {from.ToString().ToLowerInvariant()} can't {action.ToString().ToLowerInvariant()}.");
}

/// <summary>The order was never created.</summary>
[GenerateSerializer, Alias("granary.OrderNotFoundException")]
public sealed class OrderNotFoundException(string message) : InvalidOperationException(message);

/// <summary>Confirming failed because one SKU has too little stock; nothing stays reserved.</summary>
[GenerateSerializer, Alias("granary.InsufficientStockException")]
public sealed class InsufficientStockException(string message) : InvalidOperationException(message)
{
    private const string Prefix = "Not enough stock for SKU '";

    /// <summary>The short SKU, read back from the message.</summary>
    public string? Sku => Message.StartsWith(Prefix, StringComparison.Ordinal) && Message.IndexOf('\'', Prefix.Length) is var end and > 0
        ? Message[Prefix.Length..end]
        : null;

    public static InsufficientStockException For(string sku, int quantity) =>
        new($"{Prefix}{sku}': {quantity} requested, not available.");
}
