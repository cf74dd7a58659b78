using Granary.Grains.Jobs;

namespace Granary.Grains.Emails;

/// <summary>Outgoing email (configuration section <c>Granary:Email</c>); docker-compose points it at Mailpit.</summary>
public sealed class EmailOptions
{
    /// <summary>SMTP server; when empty, email jobs are recorded and dead-lettered with "SMTP is not configured".</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary>How the connection is protected; see <see cref="EmailSecurity"/>.</summary>
    public EmailSecurity Security { get; set; } = EmailSecurity.Auto;

    /// <summary>Kept from earlier releases: true with <see cref="Security"/> left at Auto means TLS is required (STARTTLS, or TLS on port 465).</summary>
    public bool UseTls { get; set; }

    /// <summary>Sign in to the server with this user (SMTP AUTH) when set.</summary>
    public string? UserName { get; set; }

    /// <summary>The password of <see cref="UserName"/>; a secret (configuration, environment or a file under /run/secrets).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The SHA-256 thumbprint (hex) of the server's certificate, to trust that one certificate when it doesn't chain to
    /// a trusted root (a relay with a self-signed certificate). Unset: the certificate must validate normally.
    /// </summary>
    public string? ServerCertificateThumbprint { get; set; }

    public string From { get; set; } = "Granary <no-reply@granary.local>";

    /// <summary>One SMTP conversation (connect, TLS, sign-in, send) must finish within this; each step too.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Waits between attempts (see <see cref="RetrySchedule"/>); unset means <see cref="RetrySchedule.EmailDefault"/>.
    /// Null rather than the defaults by default: the configuration binder appends configured items to an array's
    /// existing ones, so "Email:RetryDelays:0" would otherwise add a sixth delay instead of replacing the schedule.
    /// </summary>
    public TimeSpan[]? RetryDelays { get; set; }

    /// <summary>The protection in effect: <see cref="Security"/>, or what <see cref="UseTls"/> asks for when Security is Auto.</summary>
    public EmailSecurity EffectiveSecurity => Security == EmailSecurity.Auto && UseTls
        ? Port == 465 ? EmailSecurity.Tls : EmailSecurity.StartTls
        : Security;

    public RetrySchedule Schedule => RetryDelays is { Length: > 0 } delays ? new(delays) : RetrySchedule.EmailDefault;
}
