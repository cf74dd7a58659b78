using Granary.Grains.Orders;

namespace Granary.Grains.Channels;

/// <summary>
/// One sales channel, keyed by its globally unique id ("ch_…"). It keeps the signing secret itself (not a hash):
/// verifying an HMAC needs the key, so the secret is stored in the grain's state and never handed back to callers
/// after creation or rotation.
/// </summary>
[Alias("granary.IChannelGrain")]
public interface IChannelGrain : IGrainWithStringKey
{
    /// <summary>Creates the channel, enabled; returns null when this id is taken already.</summary>
    Task<ChannelInfo?> Create(NewChannel channel);

    /// <summary>The channel, or null when it was never created.</summary>
    [ReadOnly]
    Task<ChannelInfo?> Get();

    /// <summary>Replaces the secret at once (the old one stops working); null when the channel doesn't exist.</summary>
    Task<ChannelInfo?> RotateSecret(string newSecret);

    /// <summary>Stops accepting inbound payloads; null when the channel doesn't exist.</summary>
    Task<ChannelInfo?> Disable();

    /// <summary>
    /// Verifies the signature of an inbound payload, normalises it and creates its order, idempotent on the payload's
    /// external order id. An unknown or disabled channel answers <see cref="ChannelReceiveStatus.Unauthorized"/> like a
    /// bad signature, so callers can't probe for channel ids.
    /// </summary>
    Task<ChannelReceiveResult> Receive(string? timestamp, string? signature, byte[] body);
}

/// <summary>What creating a channel takes; <see cref="Secret"/> is the HMAC key.</summary>
[GenerateSerializer, Immutable, Alias("granary.NewChannel")]
public sealed record NewChannel(string OrganizationId, ChannelKind Kind, string Name, string Secret);

/// <summary>A channel as callers see it: never its secret.</summary>
[GenerateSerializer, Immutable, Alias("granary.ChannelInfo")]
public sealed record ChannelInfo(string Id, string OrganizationId, ChannelKind Kind, string Name, bool Enabled, DateTimeOffset CreatedAt);

/// <summary>The payload format a channel sends (docs/channels.md).</summary>
public enum ChannelKind
{
    Generic,
    Marketplace,
}

public enum ChannelReceiveStatus
{
    /// <summary>The order was created by this payload.</summary>
    Created,

    /// <summary>An earlier payload with the same external id created the order; it is returned unchanged.</summary>
    Existing,

    /// <summary>Unknown or disabled channel, missing, stale or wrong signature; nothing was stored.</summary>
    Unauthorized,

    /// <summary>The payload doesn't parse or validate; <see cref="ChannelReceiveResult.Field"/> names the field.</summary>
    Invalid,
}

/// <param name="Order">Set for <see cref="ChannelReceiveStatus.Created"/> and <see cref="ChannelReceiveStatus.Existing"/>.</param>
/// <param name="Field">For <see cref="ChannelReceiveStatus.Invalid"/>: the JSON path of the bad field.</param>
[GenerateSerializer, Immutable, Alias("granary.ChannelReceiveResult")]
public sealed record ChannelReceiveResult(ChannelReceiveStatus Status, OrderSnapshot? Order = null, string? Field = null, string? Error = null);
