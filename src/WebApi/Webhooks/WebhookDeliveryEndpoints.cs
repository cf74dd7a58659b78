using System.Text.RegularExpressions;
using Granary.Grains.Organizations;
using Granary.Grains.Webhooks;
using Granary.ReadModel;
using Granary.WebApi.Http;
using Granary.WebApi.Jobs;
using Granary.WebApi.Organizations;
using Granary.WebApi.Queries;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Webhooks;

/// <summary>
/// The delivery log under <c>/api/v1/orgs/{org}/webhooks</c>: an endpoint's deliveries from SQL (newest first, keyset
/// cursor), one delivery from its grain, and manual redelivery (admin).
/// </summary>
internal static partial class WebhookDeliveryEndpoints
{
    public static void MapWebhookDeliveries(IEndpointRouteBuilder app)
    {
        var webhooks = WebhookEndpoints.Group(app);
        webhooks.MapGet("/{id}/deliveries", List).RequireRole(OrgRole.Viewer).WithName("ListWebhookDeliveries")
            .WithSummary("The endpoint's deliveries with their attempts, newest first; filter by status, page with cursor.");
        webhooks.MapGet("/deliveries/{deliveryId}", Get).RequireRole(OrgRole.Viewer).WithName("GetWebhookDelivery").WithSummary("One delivery with its attempts.");
        webhooks.MapPost("/deliveries/{deliveryId}/redeliver", Redeliver).RequireRole(OrgRole.Admin).WithName("RedeliverWebhook")
            .WithSummary("Makes a new attempt now (admin), whatever the delivery's status; a dead delivery restarts its schedule.");
    }

    public static async Task<Results<Ok<WebhookDeliveryPageResponse>, ValidationProblem, ProblemHttpResult>> List(
        string org, string id, string? status, string? cursor, int? limit, IGrainFactory grains, IListQueries queries,
        CancellationToken cancellationToken)
    {
        if (!WebhookEndpoints.IsEndpointId(id))
        {
            return WebhookEndpoints.NotFound();
        }
        var parsed = JobNames.ParseStatus(status);
        if (status is not null && parsed is null)
        {
            return ApiProblems.Invalid("status", "status must be one of pending, retrying, succeeded, dead.");
        }
        if (JobPaging.Problem(cursor, limit, out var after) is { } bad)
        {
            return bad;
        }
        // An endpoint that isn't this organization's (another's, deleted, never created) is 404 here as at its own address.
        if (await grains.GetGrain<IWebhookEndpointsGrain>(org).Get(id) is null)
        {
            return WebhookEndpoints.NotFound();
        }
        if (!queries.Supported)
        {
            return ListProblems.NeedsSql();
        }
        var page = await queries.ListDeliveriesAsync(new DeliveryListQuery(org, id, parsed, after, limit ?? JobPaging.DefaultLimit), cancellationToken);
        return TypedResults.Ok(new WebhookDeliveryPageResponse([.. page.Items.Select(WebhookDeliveryResponse.From)], JobPaging.Next(page)));
    }

    public static async Task<Results<Ok<WebhookDeliveryResponse>, ProblemHttpResult>> Get(string org, string deliveryId, IGrainFactory grains)
    {
        return IsDeliveryId(deliveryId) && await Delivery(grains, org, deliveryId).Get() is { } delivery
            ? TypedResults.Ok(WebhookDeliveryResponse.From(delivery))
            : NotFound();
    }

    public static async Task<Results<Accepted<DeliveryAcceptedResponse>, ProblemHttpResult>> Redeliver(string org, string deliveryId, IGrainFactory grains)
    {
        return IsDeliveryId(deliveryId) && await Delivery(grains, org, deliveryId).Redeliver() is { } delivery
            ? TypedResults.Accepted($"/api/v1/orgs/{org}/webhooks/deliveries/{deliveryId}", new DeliveryAcceptedResponse(delivery.Id, JobNames.Status(delivery.Status)))
            : NotFound();
    }

    /// <summary>Delivery ids are "msg_{eventId}_{endpointId}" (<see cref="WebhookDeliveryKey.DeliveryId"/>).</summary>
    public static bool IsDeliveryId(string id) => DeliveryIdPattern().IsMatch(id);

    public static ProblemHttpResult NotFound() => ApiProblems.NotFound("The webhook delivery");

    /// <summary>The grain key holds the organization, so another organization's delivery id names no delivery here.</summary>
    private static IWebhookDeliveryGrain Delivery(IGrainFactory grains, string org, string deliveryId) =>
        grains.GetGrain<IWebhookDeliveryGrain>(WebhookDeliveryKey.For(org, deliveryId));

    [GeneratedRegex("^msg_[A-Za-z0-9_-]{1,200}$")]
    private static partial Regex DeliveryIdPattern();
}
