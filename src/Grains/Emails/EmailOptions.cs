using Granary.Grains.Jobs;

namespace Granary.Grains.Emails;

/// <summary>Outgoing email (configuration section <c>Granary:Email</c>); docker-compose points it at Mailpit.</summary>
public sealed class EmailOptions
{
    /// <summary>SMTP server; when empty, email jobs are recorded and dead-lettered with "SMTP is not configured".</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary>STARTTLS / TLS to the server.</summary>
    public bool UseTls { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "Granary <no-reply@granary.local>";

    /// <summary>One SMTP conversation must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Waits between attempts (see <see cref="RetrySchedule"/>); unset means <see cref="RetrySchedule.EmailDefault"/>.
    /// Null rather than the defaults by default: the configuration binder appends configured items to an array's
    /// existing ones, so "Email:RetryDelays:0" would otherwise add a sixth delay instead of replacing the schedule.
    /// </summary>
    public TimeSpan[]? RetryDelays { get; set; }

    public RetrySchedule Schedule => RetryDelays is { Length: > 0 } delays ? new(delays) : RetrySchedule.EmailDefault;
}
