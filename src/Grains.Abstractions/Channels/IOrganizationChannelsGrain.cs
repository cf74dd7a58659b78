namespace Granary.Grains.Channels;

/// <summary>
/// The channels of one organization, keyed by organization id. Channels per organization are few, so the list lives
/// in one grain instead of SQL; each <see cref="IChannelGrain"/> writes its own entry here after every change.
/// </summary>
[Alias("granary.IOrganizationChannelsGrain")]
public interface IOrganizationChannelsGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces the entry of <paramref name="channel"/>.</summary>
    Task Upsert(ChannelInfo channel);

    /// <summary>The channels, oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ChannelInfo>> List();
}
