namespace Granary.Grains.Channels;

/// <summary>The stored list of one organization's channels.</summary>
[GenerateSerializer, Alias("granary.state.OrganizationChannelsState")]
public sealed class OrganizationChannelsState
{
    [Id(0)]
    public List<ChannelInfo> Channels { get; set; } = [];
}

/// <summary>The channels of one organization, keyed by organization id; written by each channel grain.</summary>
[GrainType("organizationchannels")]
public sealed class OrganizationChannelsGrain([PersistentState("channels")] IPersistentState<OrganizationChannelsState> list)
    : Grain, IOrganizationChannelsGrain
{
    public async Task Upsert(ChannelInfo channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var index = list.State.Channels.FindIndex(c => c.Id == channel.Id);
        if (index >= 0)
        {
            list.State.Channels[index] = channel;
        }
        else
        {
            list.State.Channels.Add(channel);
        }
        await list.WriteStateAsync();
    }

    public Task<IReadOnlyList<ChannelInfo>> List() => Task.FromResult<IReadOnlyList<ChannelInfo>>([.. list.State.Channels]);
}
