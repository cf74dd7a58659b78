using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Ring;

/// <summary>Places every grain on the ring owner of its id's hash in the current view; alone (empty ring) everything is local.</summary>
internal sealed class RingPlacementDirector(ClusterMembership membership) : IPlacementDirector
{
    public SiloAddress OwnerOf(GrainId grainId) => membership.View.Ring.OwnerOf(grainId.Hash) ?? membership.LocalSilo;
}
