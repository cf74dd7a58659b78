using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Membership.Redis;

/// <summary>The Redis membership table's log messages (event ids 150–159).</summary>
internal static partial class RedisMembershipLog
{
    [LoggerMessage(150, LogLevel.Warning, "Lost the membership connection ({ConnectionType}) to Redis at {EndPoint}: {FailureType}; reconnecting")]
    public static partial void ConnectionLost(this ILogger logger, Exception? exception, string connectionType, string? endPoint, string failureType);

    [LoggerMessage(151, LogLevel.Information, "Membership connection ({ConnectionType}) to Redis at {EndPoint} restored")]
    public static partial void ConnectionRestored(this ILogger logger, string connectionType, string? endPoint);

    [LoggerMessage(152, LogLevel.Warning, "A membership change handler threw on version {Version}; the other handlers still run")]
    public static partial void ChangeHandlerFailed(this ILogger logger, Exception exception, long version);

    [LoggerMessage(153, LogLevel.Warning, "Ignored a membership change notice that is not a version: '{Notice}'")]
    public static partial void MalformedNotice(this ILogger logger, string? notice);

    [LoggerMessage(154, LogLevel.Debug, "Unsubscribing from membership change notices failed while closing; the connection closes anyway")]
    public static partial void UnsubscribeFailed(this ILogger logger, Exception exception);
}
