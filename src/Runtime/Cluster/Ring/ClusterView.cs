using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Ring;

/// <summary>One version of the membership as a silo sees it: the rows, and the hash ring of the Active silos.</summary>
internal sealed class ClusterView
{
    public ClusterView(MembershipSnapshot snapshot)
    {
        Version = snapshot.Version;
        Entries = snapshot.Entries;
        Ring = new HashRing(snapshot.Entries.Where(e => e.Status == SiloStatus.Active).Select(e => e.Address));
    }

    public static ClusterView Empty { get; } = new(MembershipSnapshot.Empty);

    public long Version { get; }

    public IReadOnlyList<MembershipEntry> Entries { get; }

    public HashRing Ring { get; }

    public MembershipEntry? Find(SiloAddress address) => Entries.FirstOrDefault(e => e.Address == address);

    public SiloStatus? StatusOf(SiloAddress address) => Find(address)?.Status;
}
