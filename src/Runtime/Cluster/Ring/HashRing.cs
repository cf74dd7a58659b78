using System.Globalization;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Ring;

/// <summary>
/// A consistent-hash ring over the Active silos of one view: each silo puts <see cref="VirtualNodes"/> points on
/// the ring, and the owner of a hash is the silo of the first point at or after it (wrapping). Every silo builds
/// the same ring from the same view, so ownership needs no directory look-up, and a silo joining or leaving moves
/// only about 1/N of the grains.
/// </summary>
internal sealed class HashRing
{
    /// <summary>Points per silo: enough to spread ownership evenly over a few silos.</summary>
    public const int VirtualNodes = 64;

    private readonly ulong[] _points;
    private readonly SiloAddress[] _owners;

    public HashRing(IEnumerable<SiloAddress> silos)
    {
        Silos = silos.Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        var points = new List<(ulong Point, SiloAddress Silo)>(Silos.Count * VirtualNodes);
        foreach (var silo in Silos)
        {
            var name = silo.ToString();
            for (var i = 0; i < VirtualNodes; i++)
            {
                points.Add((StableHash.Compute(name, i.ToString(CultureInfo.InvariantCulture)), silo));
            }
        }
        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : string.CompareOrdinal(a.Silo.ToString(), b.Silo.ToString()));
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Silo).ToArray();
    }

    public static HashRing Empty { get; } = new([]);

    /// <summary>The silos on the ring, in a stable order.</summary>
    public IReadOnlyList<SiloAddress> Silos { get; }

    public bool IsEmpty => _points.Length == 0;

    /// <summary>The silo owning <paramref name="hash"/>, or null when the ring is empty.</summary>
    public SiloAddress? OwnerOf(ulong hash)
    {
        if (_points.Length == 0)
        {
            return null;
        }
        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }
        return _owners[index == _points.Length ? 0 : index];
    }

    /// <summary>The silos that follow <paramref name="silo"/> on the ring (by its first point), up to <paramref name="count"/>, excluding itself.</summary>
    public IReadOnlyList<SiloAddress> Successors(SiloAddress silo, int count)
    {
        var others = Silos.Where(s => s != silo).ToList();
        if (others.Count <= count)
        {
            return others;
        }
        var start = StableHash.Compute(silo.ToString(), "0");
        return others
            .OrderBy(s => StableHash.Compute(s.ToString(), "0") - start)
            .Take(count)
            .ToList();
    }
}
