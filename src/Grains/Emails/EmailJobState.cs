using Granary.Grains.Jobs;

namespace Granary.Grains.Emails;

/// <summary>
/// The stored shape of an email job (state "email"); lists and the jobs summary read its read-model row. The rendered
/// message is kept so that every attempt sends the same text; it is never logged.
/// </summary>
public sealed record EmailJobState
{
    public bool Created { get; init; }

    /// <summary>Counts the state writes (the read-model row's revision).</summary>
    public long Revision { get; init; }

    public string Id { get; init; } = "";

    public string OrganizationId { get; init; } = "";

    public EmailTemplate Template { get; init; }

    public string To { get; init; } = "";

    public string Subject { get; init; } = "";

    public string TextBody { get; init; } = "";

    public string HtmlBody { get; init; } = "";

    /// <summary>False when the template failed to render: there is nothing to send, and a retry can't change that.</summary>
    public bool Rendered { get; init; }

    public JobStatus Status { get; init; }

    /// <summary>Attempts made since the job was enqueued.</summary>
    public int AttemptCount { get; init; }

    /// <summary>Attempts made in the current run of the retry schedule (a manual retry of a dead job starts a new run).</summary>
    public int ScheduleAttemptCount { get; init; }

    /// <summary>The error of the latest attempt (or of the render); null once an attempt succeeded.</summary>
    public string? LastError { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public EmailJobInfo ToInfo() => new(
        Id, OrganizationId, Template, To, Subject, Status, AttemptCount, LastError, NextAttemptAt, CreatedAt, UpdatedAt);

    public EmailMessage ToMessage() => new(To, Subject, TextBody, HtmlBody);
}
