namespace Granary.Grains.Channels;

/// <summary>A payload field that doesn't parse or validate; <see cref="Field"/> is its JSON path ("order.items[0].qty").</summary>
public sealed class ChannelPayloadException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
