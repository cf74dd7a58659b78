using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Membership;

/// <summary>Log messages of the membership service and failure detector (event ids 180–199).</summary>
internal static partial class MembershipLog
{
    [LoggerMessage(180, LogLevel.Information, "Silo {SiloAddress} joined the cluster as {Status} (table version {Version})")]
    public static partial void Joined(this ILogger logger, SiloAddress siloAddress, SiloStatus status, long version);

    [LoggerMessage(181, LogLevel.Information, "Cluster view {Version}: {Active} active silos ({Silos})")]
    public static partial void ViewChanged(this ILogger logger, long version, int active, string silos);

    [LoggerMessage(182, LogLevel.Warning, "Silo {Target} missed {Missed} probes; voting it dead")]
    public static partial void Suspecting(this ILogger logger, SiloAddress target, int missed);

    [LoggerMessage(183, LogLevel.Warning, "Declared silo {Target} dead ({Reason})")]
    public static partial void DeclaredDead(this ILogger logger, SiloAddress target, string reason);

    [LoggerMessage(184, LogLevel.Critical, "This silo ({SiloAddress}) is marked Dead in the membership table; stopping at once")]
    public static partial void Fenced(this ILogger logger, SiloAddress siloAddress);

    [LoggerMessage(185, LogLevel.Warning, "This silo's row is missing from the membership table (the table lost its data?); writing it again")]
    public static partial void RowMissing(this ILogger logger);

    [LoggerMessage(186, LogLevel.Warning, "Reading the membership table failed; keeping view {Version}")]
    public static partial void RefreshFailed(this ILogger logger, Exception exception, long version);

    [LoggerMessage(187, LogLevel.Warning, "Writing I-am-alive failed")]
    public static partial void IAmAliveFailed(this ILogger logger, Exception exception);

    [LoggerMessage(188, LogLevel.Warning, "Silo {Target} is not reachable yet while joining: {Reason}")]
    public static partial void JoinProbeFailed(this ILogger logger, SiloAddress target, string reason);

    [LoggerMessage(189, LogLevel.Information, "Silo {SiloAddress} left the cluster ({Status})")]
    public static partial void Left(this ILogger logger, SiloAddress siloAddress, SiloStatus status);

    [LoggerMessage(190, LogLevel.Warning, "A membership write failed")]
    public static partial void WriteFailed(this ILogger logger, Exception exception);
}
