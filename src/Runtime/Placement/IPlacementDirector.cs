namespace Granary.Runtime.Placement;

/// <summary>
/// Decides which silo hosts a grain. Every silo computes it alone from the same view, with no directory look-up.
/// A single silo owns every grain; the cluster's hash ring replaces this with the ring owner.
/// </summary>
internal interface IPlacementDirector
{
    /// <summary>The silo that should host <paramref name="grainId"/>.</summary>
    SiloAddress OwnerOf(GrainId grainId);
}
