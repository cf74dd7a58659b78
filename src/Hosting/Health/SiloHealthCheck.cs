using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Granary.Hosting;

/// <summary>
/// Healthy when this silo is Active both by its own account and in the membership view: a silo whose own row vanished
/// from the table (Redis lost its data) or that was voted dead is not ready, whatever it believes.
/// </summary>
internal sealed class SiloHealthCheck(ISiloStatusOracle oracle, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var self = oracle.SiloAddress;
        var snapshot = membership.CurrentSnapshot;
        var inView = snapshot.GetSiloStatus(self);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        if (oracle.CurrentStatus == SiloStatus.Active && inView == SiloStatus.Active)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"Active as {self}; view {snapshot.Version} with {active} active silo{(active == 1 ? "" : "s")}"));
        }
        return Task.FromResult(HealthCheckResult.Unhealthy(
            $"{oracle.CurrentStatus} as {self}; the membership view (version {snapshot.Version}) says {inView}"));
    }
}
