using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Hosting;

/// <summary>The runtime's log messages.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Error, "Activation of {GrainId} failed; its queued calls fail with the same exception")]
    public static partial void ActivationFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(2, LogLevel.Warning, "OnDeactivateAsync of {GrainId} threw; the activation is removed anyway")]
    public static partial void DeactivationFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(3, LogLevel.Debug, "Deactivated {GrainId} ({Reason})")]
    public static partial void Deactivated(this ILogger logger, GrainId grainId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "A timer tick of {GrainId} threw; the timer keeps running")]
    public static partial void TimerTickFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(5, LogLevel.Critical, "An exception escaped an activation work item; this is a runtime bug")]
    public static partial void SchedulerItemFailed(this ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Silo {SiloName} ({SiloAddress}) starting: storage {Storage}, reminders {Reminders}")]
    public static partial void SiloStarting(this ILogger logger, string siloName, string siloAddress, string storage, string reminders);

    [LoggerMessage(11, LogLevel.Information, "Silo {SiloName} started in {ElapsedMs} ms")]
    public static partial void SiloStarted(this ILogger logger, string siloName, long elapsedMs);

    [LoggerMessage(12, LogLevel.Information, "Silo {SiloName} stopping: {Activations} grain ids active")]
    public static partial void SiloStopping(this ILogger logger, string siloName, int activations);

    [LoggerMessage(13, LogLevel.Information, "Silo {SiloName} stopped in {ElapsedMs} ms")]
    public static partial void SiloStopped(this ILogger logger, string siloName, long elapsedMs);

    [LoggerMessage(14, LogLevel.Warning, "Silo {SiloName}: deactivation did not finish within {Timeout}; stopping anyway")]
    public static partial void ShutdownTimedOut(this ILogger logger, string siloName, TimeSpan timeout);

    [LoggerMessage(16, LogLevel.Warning, "Silo {SiloName} could not mark itself ShuttingDown; stopping anyway")]
    public static partial void LeaveFailed(this ILogger logger, Exception exception, string siloName);

    [LoggerMessage(15, LogLevel.Debug, "Idle collection deactivated {Count} activations")]
    public static partial void IdleCollected(this ILogger logger, int count);

    [LoggerMessage(20, LogLevel.Warning, "Reminder {ReminderName} of {GrainId} failed (attempt {Attempt}); next try at {NextDue:O}")]
    public static partial void ReminderFailed(this ILogger logger, Exception exception, GrainId grainId, string reminderName, int attempt, DateTimeOffset nextDue);

    [LoggerMessage(21, LogLevel.Error, "One-shot reminder {ReminderName} of {GrainId} failed {Attempt} times and is abandoned")]
    public static partial void ReminderAbandoned(this ILogger logger, Exception exception, GrainId grainId, string reminderName, int attempt);

    [LoggerMessage(22, LogLevel.Warning, "Polling the reminder table failed; retrying in {Delay}")]
    public static partial void ReminderPollFailed(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(23, LogLevel.Warning, "Recording the outcome of reminder {ReminderName} of {GrainId} failed; its lease makes it fire again")]
    public static partial void ReminderUpdateFailed(this ILogger logger, Exception exception, GrainId grainId, string reminderName);
}
