using System.Globalization;
using Granary.Runtime.Reminders;

namespace Granary.Runtime.Cluster.Ring;

/// <summary>A reminder bucket belongs to the ring owner of the bucket's point, so exactly one Active silo polls it in a view.</summary>
internal sealed class RingBucketOwnership(ClusterMembership membership) : IReminderBucketOwnership
{
    public IReadOnlyList<int> OwnedBuckets(int bucketCount)
    {
        var view = membership.View;
        var me = membership.LocalSilo;
        var owned = new List<int>();
        for (var bucket = 0; bucket < bucketCount; bucket++)
        {
            if (view.Ring.OwnerOf(PointOf(bucket)) == me)
            {
                owned.Add(bucket);
            }
        }
        return owned;
    }

    public static ulong PointOf(int bucket) => StableHash.Compute("reminder-bucket", bucket.ToString(CultureInfo.InvariantCulture));
}
