using Microsoft.Extensions.Logging;

namespace Granary.Grains.Scheduling;

internal static partial class SchedulingLog
{
    [LoggerMessage(1, LogLevel.Information, "Daily summary of {OrganizationId} for {Date} handed over")]
    public static partial void SummarySent(ILogger logger, string organizationId, DateOnly date);

    [LoggerMessage(2, LogLevel.Warning, "Daily summary of {OrganizationId} on {Date} failed; trying again at {RetryAt}")]
    public static partial void SummaryRetrying(ILogger logger, Exception exception, string organizationId, DateOnly date, DateTimeOffset retryAt);

    [LoggerMessage(3, LogLevel.Error, "Daily summary of {OrganizationId} on {Date} failed until the next day's tick; that day's summary is not sent")]
    public static partial void SummaryGivenUp(ILogger logger, Exception exception, string organizationId, DateOnly date);

    [LoggerMessage(4, LogLevel.Information, "Maintenance forgot {RefreshTokenFamilies} refresh-token families (complete: {Complete})")]
    public static partial void SweepDone(ILogger logger, int refreshTokenFamilies, bool complete);

    [LoggerMessage(5, LogLevel.Warning, "Maintenance could not forget {GrainKind} {Key}; the next sweep tries again")]
    public static partial void ForgetFailed(ILogger logger, Exception exception, string grainKind, string key);

    [LoggerMessage(6, LogLevel.Warning, "Scheduling the maintenance sweep failed (attempt {Attempt}); trying again in {Delay}")]
    public static partial void EnsureRetrying(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(12, LogLevel.Warning, "Checking the maintenance reminder failed; trying again in {Interval}")]
    public static partial void CheckFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(8, LogLevel.Warning, "The maintenance reminder is missing: the reminder table is new or lost its rows; restoring every grain's reminders from stored state")]
    public static partial void RestoreStarting(ILogger logger);

    [LoggerMessage(9, LogLevel.Information, "Reminders of {Kind}: {Checked} grains asked, {Restored} reminders registered again, {Failed} grains could not be asked")]
    public static partial void RemindersRestored(ILogger logger, DueWorkKind kind, int @checked, int restored, int failed);

    [LoggerMessage(10, LogLevel.Warning, "Reminder restore done: {Checked} grains asked, {Restored} reminders registered again, {Failed} failed (a failed restore runs again at the next check)")]
    public static partial void RestoreDone(ILogger logger, int @checked, int restored, int failed);

    [LoggerMessage(11, LogLevel.Warning, "Could not restore the reminders of {Kind} {Key}; the restore runs again at the next check")]
    public static partial void RestoreFailed(ILogger logger, Exception exception, DueWorkKind kind, string key);

    [LoggerMessage(7, LogLevel.Error, "Scheduling the maintenance sweep failed {Attempts} times at start; the periodic check tries again")]
    public static partial void EnsureGivenUp(ILogger logger, Exception exception, int attempts);
}
