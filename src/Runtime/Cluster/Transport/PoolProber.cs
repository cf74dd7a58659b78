using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>Failure-detection probes as transport pings.</summary>
internal sealed class PoolProber(SiloConnectionPool pool) : ISiloProber
{
    public Task<TimeSpan> PingAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken) =>
        pool.PingAsync(target, timeout, cancellationToken);
}
