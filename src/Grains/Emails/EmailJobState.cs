using Granary.Grains.Jobs;

namespace Granary.Grains.Emails;

/// <summary>
/// The stored shape of an email job (state "email"); lists and the jobs summary read its read-model row. The rendered
/// message is kept so that every attempt sends the same text; it is never logged.
/// </summary>
[GenerateSerializer, Alias("granary.state.EmailJobState")]
public sealed record EmailJobState
{
    [Id(0)]
    public bool Created { get; init; }

    /// <summary>Counts the state writes (the read-model row's revision).</summary>
    [Id(1)]
    public long Revision { get; init; }

    [Id(2)]
    public string Id { get; init; } = "";

    [Id(3)]
    public string OrganizationId { get; init; } = "";

    [Id(4)]
    public EmailTemplate Template { get; init; }

    [Id(5)]
    public string To { get; init; } = "";

    [Id(6)]
    public string Subject { get; init; } = "";

    [Id(7)]
    public string TextBody { get; init; } = "";

    [Id(8)]
    public string HtmlBody { get; init; } = "";

    /// <summary>False when the template failed to render: there is nothing to send, and a retry can't change that.</summary>
    [Id(9)]
    public bool Rendered { get; init; }

    [Id(10)]
    public JobStatus Status { get; init; }

    /// <summary>Attempts made since the job was enqueued.</summary>
    [Id(11)]
    public int AttemptCount { get; init; }

    /// <summary>Attempts made in the current run of the retry schedule (a manual retry of a dead job starts a new run).</summary>
    [Id(12)]
    public int ScheduleAttemptCount { get; init; }

    /// <summary>The error of the latest attempt (or of the render); null once an attempt succeeded.</summary>
    [Id(13)]
    public string? LastError { get; init; }

    [Id(14)]
    public DateTimeOffset? NextAttemptAt { get; init; }

    [Id(15)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(16)]
    public DateTimeOffset UpdatedAt { get; init; }

    public EmailJobInfo ToInfo() => new(
        Id, OrganizationId, Template, To, Subject, Status, AttemptCount, LastError, NextAttemptAt, CreatedAt, UpdatedAt);

    public EmailMessage ToMessage() => new(To, Subject, TextBody, HtmlBody);
}
