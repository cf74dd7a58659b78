using System.Globalization;
using Granary.Runtime;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>
/// The hash ring as the runtime builds it (src/Runtime/Cluster/Ring/HashRing.cs and RingBucketOwnership.cs are
/// internal): 64 points per Active silo at <c>StableHash(address, i)</c>, a hash owned by the first point at or
/// after it; reminder bucket <c>b</c> sits at <c>StableHash("reminder-bucket", b)</c> and a grain's bucket is its
/// hash modulo the bucket count. The tests check this model against where grains really live before they rely on
/// it to say which reminder buckets a silo owned.
/// </summary>
internal sealed class RingModel
{
    public const int VirtualNodes = 64;
    public const int BucketCount = 64;

    private readonly ulong[] _points;
    private readonly string[] _owners;

    public RingModel(IEnumerable<string> activeAddresses)
    {
        var points = activeAddresses.Distinct()
            .SelectMany(address => Enumerable.Range(0, VirtualNodes).Select(i => (Point: StableHash.Compute(address, i.ToString(CultureInfo.InvariantCulture)), Silo: address)))
            .OrderBy(p => p.Point)
            .ThenBy(p => p.Silo, StringComparer.Ordinal)
            .ToList();
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Silo).ToArray();
    }

    /// <summary>The address of the silo owning <paramref name="grain"/>.</summary>
    public string OwnerOf(GrainId grain) => OwnerOf(grain.Hash);

    /// <summary>The address of the silo that polls <paramref name="grain"/>'s reminder bucket.</summary>
    public string ReminderOwnerOf(GrainId grain) =>
        OwnerOf(StableHash.Compute("reminder-bucket", ((int)(grain.Hash % BucketCount)).ToString(CultureInfo.InvariantCulture)));

    private string OwnerOf(ulong hash)
    {
        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }
        return _owners[index == _points.Length ? 0 : index];
    }
}
