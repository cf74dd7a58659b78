using Granary.Grains.Jobs;
using Granary.Grains.Scheduling;

namespace Granary.Grains.Emails;

/// <summary>
/// One email, keyed "{orgId}/{jobId}" (<see cref="EmailJobKey"/>): renders its template once, sends at once through
/// <see cref="IEmailSenderGrain"/>, retries on the email schedule with a due reminder, dead after the last attempt.
/// </summary>
[Alias("granary.IEmailJobGrain")]
public interface IEmailJobGrain : IGrainWithStringKey, IRestoresReminders
{
    /// <summary>Records the email and makes the first attempt; idempotent per job id (a second call sends nothing).</summary>
    Task<EmailJobInfo> Enqueue(EmailRequest request);

    [ReadOnly]
    Task<EmailJobInfo?> Get();

    /// <summary>A new attempt now; a dead job restarts its schedule. Null when unknown.</summary>
    Task<EmailJobInfo?> Retry();
}

/// <summary>Which template, to whom, with which values (template placeholders are {{name}}).</summary>
[GenerateSerializer, Immutable, Alias("granary.EmailRequest")]
public sealed record EmailRequest(string OrganizationId, EmailTemplate Template, string To, IReadOnlyDictionary<string, string> Values);

public enum EmailTemplate
{
    Welcome,
    OrderConfirmation,
    OrderShipped,
    DailySummary,
    WebhookEndpointDisabled,
}

[GenerateSerializer, Immutable, Alias("granary.EmailJobInfo")]
public sealed record EmailJobInfo(
    string Id,
    string OrganizationId,
    EmailTemplate Template,
    string To,
    string Subject,
    JobStatus Status,
    int AttemptCount,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Sends one rendered message over SMTP (a stateless worker); throws <see cref="EmailSendException"/> when it fails.</summary>
[Alias("granary.IEmailSenderGrain")]
public interface IEmailSenderGrain : IGrainWithIntegerKey
{
    Task Send(EmailMessage message);
}

/// <summary>A rendered message: plain-text and HTML bodies.</summary>
[GenerateSerializer, Immutable, Alias("granary.EmailMessage")]
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody);

[GenerateSerializer, Alias("granary.EmailSendException")]
public sealed class EmailSendException(string message, Exception? inner = null) : Exception(message, inner);

public static class EmailJobKey
{
    public static string For(string organizationId, string jobId) => $"{organizationId}/{jobId}";
}
