using System.Security.Cryptography;
using Granary.Grains.Channels;
using Granary.Grains.Organizations;
using Granary.WebApi.Auth;
using Granary.WebApi.Http;
using Granary.WebApi.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Granary.WebApi.Queries;

namespace Granary.WebApi.Channels;

/// <summary>
/// <c>/api/v1/orgs/{org}/channels</c>: sales channels, each with an inbound URL and a signing secret shown only by
/// create and rotate-secret. Listing needs the viewer role, changes need admin.
/// </summary>
internal static class ChannelEndpoints
{
    /// <summary>What every channel secret starts with, so leaked secrets are easy to recognise.</summary>
    public const string SecretPrefix = "chs_";

    public static void MapChannels(IEndpointRouteBuilder app)
    {
        var channels = app.MapOrganizationGroup("/{org}/channels", "Channels");
        channels.MapPost("", Create).RequireRole(OrgRole.Admin).Validate<CreateChannelRequest>().WithName("CreateChannel")
            .WithSummary("Creates a channel (admin); the response is the only time its signing secret is shown.");
        channels.MapGet("", List).RequireRole(OrgRole.Viewer).WithName("ListChannels").WithSummary("The organization's channels, without secrets.");
        channels.MapPost("/{id}/rotate-secret", RotateSecret).RequireRole(OrgRole.Admin).WithName("RotateChannelSecret")
            .WithSummary("Replaces the signing secret at once (admin); the old one stops working. Shows the new one once.");
        channels.MapPost("/{id}/disable", Disable).RequireRole(OrgRole.Admin).WithName("DisableChannel").WithSummary("Stops accepting inbound payloads (admin).");
    }

    public static async Task<Results<Created<ChannelWithSecretResponse>, ProblemHttpResult>> Create(
        string org, CreateChannelRequest request, HttpRequest http, IGrainFactory grains)
    {
        var id = "ch_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var secret = NewSecret();
        var command = new NewChannel(org, CreateChannelRequest.ParseKind(request.Kind)!.Value, request.Name!.Trim(), secret);
        if (await grains.GetGrain<IChannelGrain>(id).Create(command) is not { } channel)
        {
            return ApiProblems.Conflict("A channel id collided; retry the request.");
        }
        return TypedResults.Created($"/api/v1/orgs/{org}/channels/{id}", ChannelWithSecretResponse.From(channel, http, secret));
    }

    public static async Task<Ok<ListPage<ChannelResponse>>> List(string org, HttpRequest http, IGrainFactory grains)
    {
        var channels = await grains.GetGrain<IOrganizationChannelsGrain>(org).List();
        return TypedResults.Ok(ListPage.Whole(channels.Select(c => ChannelResponse.From(c, http))));
    }

    public static async Task<Results<Ok<ChannelWithSecretResponse>, ProblemHttpResult>> RotateSecret(
        string org, string id, HttpRequest http, IGrainFactory grains)
    {
        if (await FindAsync(grains, org, id) is { } problem)
        {
            return problem;
        }
        var secret = NewSecret();
        return await grains.GetGrain<IChannelGrain>(id).RotateSecret(secret) is { } channel
            ? TypedResults.Ok(ChannelWithSecretResponse.From(channel, http, secret))
            : ApiProblems.NotFound("The channel");
    }

    public static async Task<Results<Ok<ChannelResponse>, ProblemHttpResult>> Disable(
        string org, string id, HttpRequest http, IGrainFactory grains)
    {
        if (await FindAsync(grains, org, id) is { } problem)
        {
            return problem;
        }
        return await grains.GetGrain<IChannelGrain>(id).Disable() is { } channel
            ? TypedResults.Ok(ChannelResponse.From(channel, http))
            : ApiProblems.NotFound("The channel");
    }

    private static string NewSecret() => SecretPrefix + SecretTokens.NewSecret();

    /// <summary>The channel belongs to <paramref name="org"/>; a channel of another organization is a 404.</summary>
    private static async Task<ProblemHttpResult?> FindAsync(IGrainFactory grains, string org, string id)
    {
        if (!InboundHookEndpoints.IsChannelId(id))
        {
            return ApiProblems.NotFound("The channel");
        }
        var channel = await grains.GetGrain<IChannelGrain>(id).Get();
        return channel is not null && string.Equals(channel.OrganizationId, org, StringComparison.Ordinal) ? null : ApiProblems.NotFound("The channel");
    }
}
