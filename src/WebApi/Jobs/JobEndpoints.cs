using System.Text.RegularExpressions;
using Granary.Grains.Emails;
using Granary.Grains.Jobs;
using Granary.Grains.Organizations;
using Granary.Grains.Webhooks;
using Granary.ReadModel;
using Granary.WebApi.Http;
using Granary.WebApi.Organizations;
using Granary.WebApi.Queries;
using Granary.WebApi.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Jobs;

/// <summary>
/// <c>/api/v1/orgs/{org}/jobs</c>: what the background jobs (webhook deliveries, emails) of an organization are doing,
/// counted and listed from SQL; dead jobs can be retried by an admin. Reads need the viewer role.
/// </summary>
internal static partial class JobEndpoints
{
    public static void MapJobs(IEndpointRouteBuilder app)
    {
        var jobs = app.MapOrganizationGroup("/{org}/jobs", "Jobs");
        jobs.MapGet("", Summary).RequireRole(OrgRole.Viewer).WithName("GetJobsSummary").WithSummary("Webhook deliveries and email jobs of the organization, counted per status.");
        jobs.MapGet("/dead", Dead).RequireRole(OrgRole.Viewer).WithName("ListDeadJobs")
            .WithSummary("Dead-lettered jobs of one kind (kind=webhook, the default, or email), newest first; page with cursor.");
        jobs.MapPost("/dead/{kind}/{id}/retry", Retry).RequireRole(OrgRole.Admin).WithName("RetryDeadJob")
            .WithSummary("Makes a new attempt of a dead job now (admin) and restarts its retry schedule; answers 202.");
    }

    public static async Task<Results<Ok<JobsSummaryResponse>, ProblemHttpResult>> Summary(
        string org, IListQueries queries, CancellationToken cancellationToken)
    {
        if (!queries.Supported)
        {
            return ListProblems.NeedsSql();
        }
        var counts = await queries.CountJobsAsync(org, cancellationToken);
        return TypedResults.Ok(new JobsSummaryResponse(JobCountsResponse.Of(counts, JobKind.Webhook), JobCountsResponse.Of(counts, JobKind.Email)));
    }

    public static async Task<Results<Ok<WebhookDeliveryPageResponse>, Ok<EmailJobPageResponse>, ValidationProblem, ProblemHttpResult>> Dead(
        string org, string? kind, string? cursor, int? limit, IListQueries queries, CancellationToken cancellationToken)
    {
        if (ParseKind(kind ?? "webhook") is not { } parsed)
        {
            return ApiProblems.Invalid("kind", "kind must be webhook or email.");
        }
        if (JobPaging.Problem(cursor, limit, out var after) is { } bad)
        {
            return bad;
        }
        if (!queries.Supported)
        {
            return ListProblems.NeedsSql();
        }
        var size = limit ?? JobPaging.DefaultLimit;
        if (parsed == JobKind.Webhook)
        {
            var deliveries = await queries.ListDeliveriesAsync(new DeliveryListQuery(org, null, JobStatus.Dead, after, size), cancellationToken);
            return TypedResults.Ok(new WebhookDeliveryPageResponse([.. deliveries.Items.Select(WebhookDeliveryResponse.From)], JobPaging.Next(deliveries)));
        }
        var emails = await queries.ListEmailJobsAsync(org, JobStatus.Dead, after, size, cancellationToken);
        return TypedResults.Ok(new EmailJobPageResponse([.. emails.Items.Select(EmailJobResponse.From)], JobPaging.Next(emails)));
    }

    public static async Task<Results<Accepted<JobAcceptedResponse>, ProblemHttpResult>> Retry(string org, string kind, string id, IGrainFactory grains)
    {
        var parsed = ParseKind(kind);
        if (parsed is null || !JobIdPattern().IsMatch(id))
        {
            return NotFound();
        }
        // Only dead jobs are retried here: a job still on its schedule has a reminder that will try it anyway.
        var status = parsed == JobKind.Webhook
            ? (await Delivery(grains, org, id).Get())?.Status
            : (await Email(grains, org, id).Get())?.Status;
        if (status is null)
        {
            return NotFound();
        }
        if (status != JobStatus.Dead)
        {
            return ApiProblems.Conflict("Only dead jobs are retried here.", $"The job is {JobNames.Status(status.Value)}.");
        }
        var after = parsed == JobKind.Webhook
            ? (await Delivery(grains, org, id).Redeliver())?.Status
            : (await Email(grains, org, id).Retry())?.Status;
        return after is { } now
            ? TypedResults.Accepted((string?)null, new JobAcceptedResponse(kind.ToLowerInvariant(), id, JobNames.Status(now)))
            : NotFound();
    }

    private static JobKind? ParseKind(string kind) => kind.ToLowerInvariant() switch
    {
        "webhook" => JobKind.Webhook,
        "email" => JobKind.Email,
        _ => null,
    };

    private static IWebhookDeliveryGrain Delivery(IGrainFactory grains, string org, string id) => grains.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveryKey.For(org, id));

    private static IEmailJobGrain Email(IGrainFactory grains, string org, string id) => grains.GetGrain<IEmailJobGrain>(EmailJobKey.For(org, id));

    private static ProblemHttpResult NotFound() => ApiProblems.NotFound("The job");

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,200}$")]
    private static partial Regex JobIdPattern();
}
