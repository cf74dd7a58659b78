using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.WebApi.Webhooks;

namespace Granary.WebApi.Jobs;

/// <summary><c>GET …/jobs</c>: jobs of the organization per kind and status.</summary>
internal sealed record JobsSummaryResponse(JobCountsResponse Webhook, JobCountsResponse Email);

internal sealed record JobCountsResponse(long Pending, long Retrying, long Succeeded, long Dead)
{
    public static JobCountsResponse Of(IReadOnlyDictionary<(JobKind Kind, JobStatus Status), long> counts, JobKind kind) => new(
        counts.GetValueOrDefault((kind, JobStatus.Pending)),
        counts.GetValueOrDefault((kind, JobStatus.Retrying)),
        counts.GetValueOrDefault((kind, JobStatus.Succeeded)),
        counts.GetValueOrDefault((kind, JobStatus.Dead)));
}

/// <summary>An email job on the wire.</summary>
internal sealed record EmailJobResponse(
    string Id, string Template, string To, string Subject, string Status, int AttemptCount, string? LastError,
    DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static EmailJobResponse From(EmailJobInfo job) => new(
        job.Id, JsonNamingPolicy(job.Template), job.To, job.Subject, JobNames.Status(job.Status), job.AttemptCount, job.LastError,
        job.NextAttemptAt?.ToUniversalTime(), job.CreatedAt.ToUniversalTime(), job.UpdatedAt.ToUniversalTime());

    private static string JsonNamingPolicy(EmailTemplate template) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(template.ToString());
}

/// <summary>A page of dead email jobs.</summary>
internal sealed record EmailJobPageResponse(IReadOnlyList<EmailJobResponse> Items, string? NextCursor);

/// <summary>The answer to a retry (202): which job, and where it stands now.</summary>
internal sealed record JobAcceptedResponse(string Kind, string Id, string Status);
