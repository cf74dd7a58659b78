namespace Granary.Runtime.Reminders;

/// <summary>Which reminder buckets this silo polls. Alone, a silo owns all of them; in a cluster, the ring decides.</summary>
internal interface IReminderBucketOwnership
{
    IReadOnlyList<int> OwnedBuckets(int bucketCount);
}

/// <summary>Ownership of a silo that is alone.</summary>
internal sealed class AllBucketsOwnership : IReminderBucketOwnership
{
    public IReadOnlyList<int> OwnedBuckets(int bucketCount) => Enumerable.Range(0, bucketCount).ToArray();
}
