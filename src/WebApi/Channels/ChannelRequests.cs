using Granary.Grains.Channels;
using Granary.WebApi.Http;

namespace Granary.WebApi.Channels;

/// <summary>Body of <c>POST …/channels</c>.</summary>
internal sealed record CreateChannelRequest(string? Kind, string? Name) : IValidatableRequest
{
    public void Validate(ValidationErrors errors)
    {
        if (ParseKind(Kind) is null)
        {
            errors.Add("kind", "kind must be \"generic\" or \"marketplace\".");
        }
        errors.Required("name", Name, 100);
    }

    public static ChannelKind? ParseKind(string? kind) => kind switch
    {
        "generic" => ChannelKind.Generic,
        "marketplace" => ChannelKind.Marketplace,
        _ => null,
    };
}

/// <summary>A channel on the wire, without its secret.</summary>
internal sealed record ChannelResponse(string Id, string Kind, string Name, bool Enabled, DateTimeOffset CreatedAt, string InboundUrl)
{
    public static ChannelResponse From(ChannelInfo channel, HttpRequest request) => new(
        channel.Id, channel.Kind.ToString().ToLowerInvariant(), channel.Name, channel.Enabled, channel.CreatedAt.ToUniversalTime(), InboundUrlOf(channel.Id, request));

    public static string InboundUrlOf(string channelId, HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/hooks/channels/{channelId}";
}

/// <summary>The answer to create and rotate-secret: the only time <see cref="Secret"/> is shown.</summary>
internal sealed record ChannelWithSecretResponse(string Id, string Kind, string Name, bool Enabled, DateTimeOffset CreatedAt, string InboundUrl, string Secret)
{
    public static ChannelWithSecretResponse From(ChannelInfo channel, HttpRequest request, string secret)
    {
        var shown = ChannelResponse.From(channel, request);
        return new(shown.Id, shown.Kind, shown.Name, shown.Enabled, shown.CreatedAt, shown.InboundUrl, secret);
    }
}

/// <summary>The answer to an inbound payload: the order it created (201) or found (200).</summary>
internal sealed record InboundOrderResponse(string OrderId, string ExternalId, string Status, bool Existing);
