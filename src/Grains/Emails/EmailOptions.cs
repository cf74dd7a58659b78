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
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan[] RetryDelays { get; set; } = [.. RetrySchedule.EmailDefault.Delays];

    public RetrySchedule Schedule => new(RetryDelays);
}
