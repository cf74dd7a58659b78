using Granary.Grains.Webhooks;
using Granary.Grains.Webhooks.Delivery;

namespace Granary.Engine.Bench.Jobs;

/// <summary>
/// Where Orleans placed the measured deliveries: the delivery activations each silo gained during the run (Orleans's
/// per-silo activation counts before and after; the warm-up's activations stay for the grain's 5-minute collection
/// age, so the difference is the run's), and the silo of the organization's endpoints grain, which every delivery calls.
/// </summary>
internal sealed class DeliveryPlacement(JobsSetup setup)
{
    private readonly IManagementGrain _management = setup.SiloA.GrainFactory.GetGrain<IManagementGrain>(0);
    private Dictionary<SiloAddress, int> _before = [];

    public async Task CountBeforeAsync() => _before = await CountAsync();

    public async Task<string> DescribeAsync(IWebhookEndpointsGrain endpoints)
    {
        var after = await CountAsync();
        var gained = after.Select(p => $"{setup.NameOf(p.Key)} {p.Value - _before.GetValueOrDefault(p.Key):N0}");
        var endpointsSilo = await _management.GetActivationAddress(endpoints);
        return $"delivery activations gained per silo: {string.Join(", ", gained)}; the organization's endpoints grain on {setup.NameOf(endpointsSilo)}";
    }

    private async Task<Dictionary<SiloAddress, int>> CountAsync()
    {
        var type = typeof(WebhookDeliveryGrain).FullName!;
        var statistics = await _management.GetSimpleGrainStatistics();
        return statistics
            .Where(s => s.GrainType.StartsWith(type, StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
    }
}
