namespace Granary.Runtime.Cluster.Membership;

/// <summary>
/// A silo's status in the membership table. Only forward moves are allowed:
/// Joining → Active → ShuttingDown → Dead, and any status → Dead. Dead is final.
/// </summary>
public enum SiloStatus
{
    /// <summary>Written first; the silo is checking it can reach the others.</summary>
    Joining = 1,

    /// <summary>On the hash ring: owns grains and reminder buckets.</summary>
    Active = 2,

    /// <summary>Leaving gracefully: off the ring, finishing its requests.</summary>
    ShuttingDown = 3,

    /// <summary>Gone (left, or declared dead by its peers). A silo that reads itself as Dead stops.</summary>
    Dead = 4,
}
