using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>The silo transport's log messages (event ids 100–149).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(100, LogLevel.Warning, "Refused a silo connection from {RemoteEndPoint}: {Reason}")]
    public static partial void HandshakeRejected(this ILogger logger, string remoteEndPoint, string reason);

    [LoggerMessage(101, LogLevel.Debug, "Accepted a silo connection from {RemoteEndPoint}")]
    public static partial void InboundAccepted(this ILogger logger, string remoteEndPoint);

    [LoggerMessage(102, LogLevel.Debug, "Silo connection from {RemoteEndPoint} closed: {Reason}")]
    public static partial void InboundClosed(this ILogger logger, string remoteEndPoint, string reason);

    [LoggerMessage(103, LogLevel.Warning, "Closing the silo connection with {RemoteEndPoint}: it announced a frame of {Length} bytes, over MaxFrameBytes ({MaxFrameBytes})")]
    public static partial void FrameTooLarge(this ILogger logger, string remoteEndPoint, int length, int maxFrameBytes);

    [LoggerMessage(104, LogLevel.Warning, "Closing the silo connection with {RemoteEndPoint}: {Reason}")]
    public static partial void ProtocolViolation(this ILogger logger, string remoteEndPoint, string reason);

    [LoggerMessage(105, LogLevel.Error, "The silo message handler threw for a request from {RemoteEndPoint}; the request gets no response and times out")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, string remoteEndPoint);

    [LoggerMessage(106, LogLevel.Error, "A response of {Length} bytes to {RemoteEndPoint} exceeds MaxFrameBytes ({MaxFrameBytes}); it is dropped and the request times out")]
    public static partial void ResponseTooLarge(this ILogger logger, string remoteEndPoint, int length, int maxFrameBytes);

    [LoggerMessage(107, LogLevel.Debug, "Silo connection from {RemoteEndPoint} closing: reading stopped, answering the {Running} requests already taken")]
    public static partial void InboundDraining(this ILogger logger, string remoteEndPoint, int running);

    [LoggerMessage(110, LogLevel.Debug, "Connected to silo {SiloAddress}")]
    public static partial void Connected(this ILogger logger, SiloAddress siloAddress);

    [LoggerMessage(111, LogLevel.Warning, "Cannot connect to silo {SiloAddress}: {Reason}")]
    public static partial void ConnectFailed(this ILogger logger, SiloAddress siloAddress, string reason);

    [LoggerMessage(112, LogLevel.Warning, "Lost the connection to silo {SiloAddress} ({Reason}); {Pending} pending requests fail")]
    public static partial void ConnectionLost(this ILogger logger, Exception? exception, SiloAddress siloAddress, string reason, int pending);

    [LoggerMessage(113, LogLevel.Information, "Disconnected from silo {SiloAddress}")]
    public static partial void Disconnected(this ILogger logger, SiloAddress siloAddress);
}
