namespace Granary.WebApi;

/// <summary>Every feature's endpoint mapping, in one list so adding a feature is one line.</summary>
internal static class EndpointGroups
{
    public static readonly Action<IEndpointRouteBuilder>[] All =
    [
        Users.AuthEndpoints.MapAuth,
        Organizations.OrganizationEndpoints.MapOrganizations,
        Organizations.MemberEndpoints.MapMembers,
        Organizations.ApiKeyEndpoints.MapApiKeys,
        Inventory.InventoryEndpoints.MapInventory,
        Orders.OrderEndpoints.MapOrders,
        Stats.StatsEndpoints.MapStats,
        Channels.ChannelEndpoints.MapChannels,
        Channels.InboundHookEndpoints.MapInboundHooks,
        Webhooks.WebhookEndpoints.MapWebhooks,
        Webhooks.WebhookDeliveryEndpoints.MapWebhookDeliveries,
        Jobs.JobEndpoints.MapJobs,
    ];
}
