namespace Granary.Runtime.Cluster.Transport;

/// <summary>What a frame carries; the byte after the frame's length on the wire.</summary>
internal enum FrameKind : byte
{
    Request = 1,
    Response = 2,
    Ping = 3,
    Pong = 4,
}
