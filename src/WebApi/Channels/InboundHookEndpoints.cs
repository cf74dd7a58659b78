using System.Text.RegularExpressions;
using Granary.Grains.Channels;
using Granary.Grains.Orders;
using Granary.WebApi.Http;
using Granary.WebApi.Http.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Granary.WebApi.Channels;

/// <summary>
/// <c>POST /hooks/channels/{channelId}</c> (anonymous, signed): the raw body goes to the channel grain, which checks
/// the signature and creates the order. 201 when this payload created it, 200 with the same order when its external id
/// was seen before. Every refusal (unknown or disabled channel, missing, stale or wrong signature) is the same 401.
/// </summary>
internal static partial class InboundHookEndpoints
{
    /// <summary>The header names the channel grain verifies (Granary.Grains.Channels.ChannelSignature).</summary>
    public const string TimestampHeader = "X-Granary-Timestamp";
    public const string SignatureHeader = "X-Granary-Signature";
    private const long DefaultBodyLimit = 1024 * 1024;

    public static void MapInboundHooks(IEndpointRouteBuilder app)
    {
        app.MapPost("/hooks/channels/{channelId}", Receive).WithTags("Channels").AllowAnonymous().RequireRateLimit(RateLimitPolicy.PerClientAddress)
            .WithName("ReceiveChannelPayload")
            .WithSummary("Inbound order from a channel, signed with X-Granary-Timestamp and X-Granary-Signature (see docs/channels.md).")
            .Accepts<object>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    public static async Task<Results<Created<InboundOrderResponse>, Ok<InboundOrderResponse>, ValidationProblem, ProblemHttpResult>> Receive(
        string channelId, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.");
        }
        if (!IsChannelId(channelId))
        {
            return Unauthorized();
        }
        var result = await grains.GetGrain<IChannelGrain>(channelId).Receive(
            request.Headers[TimestampHeader].ToString(), request.Headers[SignatureHeader].ToString(), body);
        return result switch
        {
            { Status: ChannelReceiveStatus.Created, Order: { } order } => TypedResults.Created((string?)null, Response(order, existing: false)),
            { Status: ChannelReceiveStatus.Existing, Order: { } order } => TypedResults.Ok(Response(order, existing: true)),
            { Status: ChannelReceiveStatus.Invalid } => ApiProblems.Invalid(result.Field ?? "body", result.Error ?? "The payload is not valid."),
            _ => Unauthorized(),
        };
    }

    public static bool IsChannelId(string id) => ChannelIdPattern().IsMatch(id);

    private static InboundOrderResponse Response(Grains.Orders.OrderSnapshot order, bool existing) =>
        new(order.Id, order.ExternalId ?? "", StatusNames.Of(order.Status), existing);

    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The payload's signature could not be verified.",
            detail: "Sign \"{timestamp}.{body}\" with the channel secret (HMAC-SHA256) and send a current timestamp.");

    /// <summary>The raw body, or null past the server's body limit (Kestrel enforces it too; test hosts don't).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? DefaultBodyLimit;
        if (request.ContentLength > limit)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    [GeneratedRegex("^ch_[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ChannelIdPattern();
}
