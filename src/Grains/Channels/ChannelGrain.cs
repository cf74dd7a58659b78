using Granary.Grains.Orders;
using Microsoft.Extensions.Logging;

namespace Granary.Grains.Channels;

/// <summary>The stored shape of a channel. <see cref="Secret"/> is kept as is: HMAC verification needs the key itself.</summary>
[GenerateSerializer, Alias("granary.state.ChannelState")]
public sealed record ChannelState
{
    [Id(0)]
    public bool Created { get; init; }

    [Id(1)]
    public string OrganizationId { get; init; } = "";

    [Id(2)]
    public ChannelKind Kind { get; init; }

    [Id(3)]
    public string Name { get; init; } = "";

    [Id(4)]
    public string Secret { get; init; } = "";

    [Id(5)]
    public bool Enabled { get; init; }

    [Id(6)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(7)]
    public DateTimeOffset? SecretRotatedAt { get; init; }
}

/// <summary>
/// One sales channel. Inbound payloads are verified here (the secret never leaves the grain), normalised, and become
/// orders the way <c>POST …/orders</c> makes them: the order's id comes from the channel and the external order id
/// (<see cref="OrderKey.IdForChannelOrder"/>) and its request hash is fixed, so a repeat of an external id returns the
/// first order even when the channel resends an edited payload.
/// </summary>
[GrainType("channel")]
public sealed partial class ChannelGrain(
    [PersistentState("channel")] IPersistentState<ChannelState> channel,
    ILogger<ChannelGrain> logger,
    TimeProvider time) : Grain, IChannelGrain
{
    private const string ExternalIdHash = "channel-external-id";

    public async Task<ChannelInfo?> Create(NewChannel command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(command.Secret);
        if (channel.State.Created)
        {
            return null;
        }
        channel.State = new ChannelState
        {
            Created = true,
            OrganizationId = command.OrganizationId,
            Kind = command.Kind,
            Name = command.Name,
            Secret = command.Secret,
            Enabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        return await Save();
    }

    public Task<ChannelInfo?> Get() => Task.FromResult(channel.State.Created ? Info() : null);

    public async Task<ChannelInfo?> RotateSecret(string newSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(newSecret);
        if (!channel.State.Created)
        {
            return null;
        }
        channel.State = channel.State with { Secret = newSecret, SecretRotatedAt = time.GetUtcNow() };
        return await Save();
    }

    public async Task<ChannelInfo?> Disable()
    {
        if (!channel.State.Created)
        {
            return null;
        }
        channel.State = channel.State with { Enabled = false };
        return await Save();
    }

    public async Task<ChannelReceiveResult> Receive(string? timestamp, string? signature, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var state = channel.State;
        if (!state.Created || !state.Enabled)
        {
            LogRefused(this.GetPrimaryKeyString(), state.Created ? "disabled" : "unknown");
            return new ChannelReceiveResult(ChannelReceiveStatus.Unauthorized);
        }
        var check = ChannelSignature.Verify(state.Secret, timestamp, signature, body, time.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            LogRefused(this.GetPrimaryKeyString(), check.ToString());
            return new ChannelReceiveResult(ChannelReceiveStatus.Unauthorized);
        }

        NormalizedOrder normalized;
        try
        {
            normalized = ChannelPayloads.Normalize(state.Kind, body);
        }
        catch (ChannelPayloadException error)
        {
            return new ChannelReceiveResult(ChannelReceiveStatus.Invalid, Field: error.Field, Error: error.Message);
        }

        var channelId = this.GetPrimaryKeyString();
        var command = normalized.Command with { Channel = channelId, ExternalId = normalized.ExternalId };
        var orderId = OrderKey.IdForChannelOrder(state.OrganizationId, channelId, normalized.ExternalId);
        var result = await GrainFactory.GetGrain<IOrderGrain>(OrderKey.For(state.OrganizationId, orderId)).Create(ExternalIdHash, command);
        return new ChannelReceiveResult(result.Outcome == IdempotentOutcome.Created ? ChannelReceiveStatus.Created : ChannelReceiveStatus.Existing, result.Order);
    }

    private ChannelInfo Info() => new(this.GetPrimaryKeyString(), channel.State.OrganizationId, channel.State.Kind, channel.State.Name, channel.State.Enabled, channel.State.CreatedAt);

    /// <summary>Writes the state, then the organization's list entry (a retried call rewrites both).</summary>
    private async Task<ChannelInfo> Save()
    {
        await channel.WriteStateAsync();
        var info = Info();
        await GrainFactory.GetGrain<IOrganizationChannelsGrain>(info.OrganizationId).Upsert(info);
        return info;
    }

    [LoggerMessage(1, LogLevel.Information, "Inbound payload for channel {ChannelId} refused: {Reason}")]
    private partial void LogRefused(string channelId, string reason);
}
