using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Granary.Grains.Organizations;
using Granary.Grains.Webhooks;
using Granary.WebApi.Http;
using Granary.WebApi.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Granary.WebApi.Queries;

namespace Granary.WebApi.Webhooks;

/// <summary>
/// <c>/api/v1/orgs/{org}/webhooks</c>: outbound webhook endpoints, each with a signing secret shown only by create and
/// rotate-secret. Reading needs the viewer role, changes need admin. Deliveries are in <see cref="WebhookDeliveryEndpoints"/>.
/// </summary>
internal static partial class WebhookEndpoints
{
    /// <summary>Standard Webhooks secrets: "whsec_" + base64 of the key bytes.</summary>
    public const string SecretPrefix = "whsec_";

    public static void MapWebhooks(IEndpointRouteBuilder app)
    {
        var webhooks = Group(app);
        webhooks.MapPost("", Create).RequireRole(OrgRole.Admin).Validate<CreateWebhookRequest>().WithName("CreateWebhookEndpoint")
            .WithSummary("Creates a webhook endpoint (admin); the response is the only time its signing secret is shown.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        webhooks.MapGet("", List).RequireRole(OrgRole.Viewer).WithName("ListWebhookEndpoints").WithSummary("The organization's webhook endpoints, without secrets.");
        webhooks.MapGet("/{id}", Get).RequireRole(OrgRole.Viewer).WithName("GetWebhookEndpoint").WithSummary("One webhook endpoint, without its secret.");
        webhooks.MapPatch("/{id}", Update).RequireRole(OrgRole.Admin).Validate<UpdateWebhookRequest>().WithName("UpdateWebhookEndpoint")
            .WithSummary("Changes url, eventTypes, description or enabled (admin); enabling clears the failure streak.");
        webhooks.MapDelete("/{id}", Delete).RequireRole(OrgRole.Admin).WithName("DeleteWebhookEndpoint").WithSummary("Deletes a webhook endpoint (admin).");
        webhooks.MapPost("/{id}/rotate-secret", RotateSecret).RequireRole(OrgRole.Admin).WithName("RotateWebhookSecret")
            .WithSummary("Replaces the signing secret (admin); deliveries are signed with the old one too for 24 hours. Shows the new one once.");
        webhooks.MapPost("/{id}/test", WebhookTestEvent.Send).RequireRole(OrgRole.Admin).WithName("SendWebhookTestEvent")
            .WithSummary("Delivers a \"webhook.test\" event to the endpoint (admin); answers 202 with the delivery to follow.");
    }

    /// <summary>The route group every webhook endpoint shares: auth and rate limits set once.</summary>
    public static RouteGroupBuilder Group(IEndpointRouteBuilder app) =>
        app.MapOrganizationGroup("/{org}/webhooks", "Webhooks");

    public static async Task<Results<Created<WebhookEndpointWithSecretResponse>, ValidationProblem, ProblemHttpResult>> Create(
        string org, CreateWebhookRequest request, IGrainFactory grains, IWebhookUrlCheck urls, CancellationToken cancellationToken)
    {
        if (await CheckUrlAsync(urls, request.Url!, cancellationToken) is { } badUrl)
        {
            return badUrl;
        }
        var id = "we_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var secret = NewSecret();
        var command = new NewWebhookEndpoint(id, request.Url!, WebhookRules.Normalize(request.EventTypes ?? []), request.Description, request.Enabled ?? true, secret);
        try
        {
            var endpoint = await grains.GetGrain<IWebhookEndpointsGrain>(org).Create(command);
            return TypedResults.Created($"/api/v1/orgs/{org}/webhooks/{id}", WebhookEndpointWithSecretResponse.From(endpoint, secret));
        }
        catch (WebhookEndpointLimitException limit)
        {
            return ApiProblems.Conflict("The organization has as many webhook endpoints as it may have.", limit.Message);
        }
    }

    public static async Task<Ok<ListPage<WebhookEndpointResponse>>> List(string org, IGrainFactory grains)
    {
        var endpoints = await grains.GetGrain<IWebhookEndpointsGrain>(org).List();
        return TypedResults.Ok(ListPage.Whole(endpoints.Select(WebhookEndpointResponse.From)));
    }

    public static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> Get(string org, string id, IGrainFactory grains)
    {
        return IsEndpointId(id) && await grains.GetGrain<IWebhookEndpointsGrain>(org).Get(id) is { } endpoint
            ? TypedResults.Ok(WebhookEndpointResponse.From(endpoint))
            : NotFound();
    }

    public static async Task<Results<Ok<WebhookEndpointResponse>, ValidationProblem, ProblemHttpResult>> Update(
        string org, string id, UpdateWebhookRequest request, IGrainFactory grains, IWebhookUrlCheck urls, CancellationToken cancellationToken)
    {
        if (!IsEndpointId(id))
        {
            return NotFound();
        }
        if (request.Url is not null && await CheckUrlAsync(urls, request.Url, cancellationToken) is { } badUrl)
        {
            return badUrl;
        }
        var update = new WebhookEndpointUpdate(request.Url, request.EventTypes is { } types ? WebhookRules.Normalize(types) : null, request.Description, request.Enabled);
        return await grains.GetGrain<IWebhookEndpointsGrain>(org).Update(id, update) is { } endpoint
            ? TypedResults.Ok(WebhookEndpointResponse.From(endpoint))
            : NotFound();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string org, string id, IGrainFactory grains)
    {
        return IsEndpointId(id) && await grains.GetGrain<IWebhookEndpointsGrain>(org).Delete(id) ? TypedResults.NoContent() : NotFound();
    }

    public static async Task<Results<Ok<WebhookEndpointWithSecretResponse>, ProblemHttpResult>> RotateSecret(string org, string id, IGrainFactory grains)
    {
        var secret = NewSecret();
        return IsEndpointId(id) && await grains.GetGrain<IWebhookEndpointsGrain>(org).RotateSecret(id, secret) is { } endpoint
            ? TypedResults.Ok(WebhookEndpointWithSecretResponse.From(endpoint, secret))
            : NotFound();
    }

    public static bool IsEndpointId(string id) => EndpointIdPattern().IsMatch(id);

    public static ProblemHttpResult NotFound() => ApiProblems.NotFound("The webhook endpoint");

    private static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The single place a URL meets <see cref="IWebhookUrlCheck"/> (the address policy), for create and update alike.</summary>
    private static async Task<ValidationProblem?> CheckUrlAsync(IWebhookUrlCheck urls, string url, CancellationToken cancellationToken) =>
        await urls.CheckAsync(url, cancellationToken) is { } problem ? ApiProblems.Invalid("url", problem) : null;

    [GeneratedRegex("^we_[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex EndpointIdPattern();
}
