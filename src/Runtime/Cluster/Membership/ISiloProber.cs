using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Membership;

/// <summary>Round-trips a ping to another silo over the silo port; throws when it can't.</summary>
internal interface ISiloProber
{
    Task<TimeSpan> PingAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken);
}
