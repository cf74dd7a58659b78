using Microsoft.Extensions.Logging;

namespace Granary.Grains.Emails;

/// <summary>What email jobs log: outcomes and errors, never a body.</summary>
internal static partial class EmailLog
{
    [LoggerMessage(1, LogLevel.Information, "Email {JobKey} ({Template}) sent on attempt {Attempt}")]
    public static partial void Sent(ILogger logger, string jobKey, EmailTemplate template, int attempt);

    [LoggerMessage(2, LogLevel.Warning, "Email {JobKey} ({Template}) attempt {Attempt} failed, next attempt at {NextAttemptAt}: {Error}")]
    public static partial void Retrying(ILogger logger, string jobKey, EmailTemplate template, int attempt, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(3, LogLevel.Error, "Email {JobKey} ({Template}) is dead after {Attempts} attempts: {Error}")]
    public static partial void Dead(ILogger logger, string jobKey, EmailTemplate template, int attempts, string error);

    [LoggerMessage(4, LogLevel.Warning, "Email {JobKey} is done but its retry reminder was not removed (its tick will find nothing to do)")]
    public static partial void ReminderNotRemoved(ILogger logger, Exception exception, string jobKey);
}
