namespace Granary.Runtime.Cluster.Transport;

/// <summary>A peer announced a frame longer than <see cref="SiloTransportOptions.MaxFrameBytes"/>; the connection is closed.</summary>
internal sealed class FrameTooLargeException(int length, int maxFrameBytes)
    : IOException($"Frame of {length} bytes exceeds MaxFrameBytes ({maxFrameBytes}).")
{
    public int Length { get; } = length;

    public int MaxFrameBytes { get; } = maxFrameBytes;
}
