namespace Granary.WebApi;

/// <summary>Every feature's endpoint mapping, in one list so adding a feature is one line.</summary>
internal static class EndpointGroups
{
    public static readonly Action<IEndpointRouteBuilder>[] All =
    [
    ];
}
