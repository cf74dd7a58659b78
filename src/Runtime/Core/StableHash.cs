using System.Runtime.CompilerServices;
using System.Text;

namespace Granary.Runtime;

/// <summary>
/// A 64-bit hash that is the same in every process, on every machine and in every version of .NET,
/// unlike <see cref="string.GetHashCode()"/>. Placement, reminder buckets and storage rely on it.
/// </summary>
/// <remarks>FNV-1a over the UTF-8 bytes, then a 64-bit avalanche finalizer so that nearby inputs spread
/// over the whole range (FNV alone clusters short keys).</remarks>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>Hashes the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ulong Compute(string text) => Finalize(Append(FnvOffset, text));

    /// <summary>Hashes two strings as one sequence with a separator, so ("ab","c") and ("a","bc") differ.</summary>
    public static ulong Compute(string first, string second)
    {
        var h = Append(FnvOffset, first);
        h = (h ^ 0x1F) * FnvPrime;
        return Finalize(Append(h, second));
    }

    /// <summary>Hashes raw bytes.</summary>
    public static ulong Compute(ReadOnlySpan<byte> bytes)
    {
        var h = FnvOffset;
        foreach (var b in bytes)
        {
            h = (h ^ b) * FnvPrime;
        }
        return Finalize(h);
    }

    private static ulong Append(ulong h, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = max <= buffer.Length ? buffer : new byte[max];
        var count = Encoding.UTF8.GetBytes(text, bytes);
        foreach (var b in bytes[..count])
        {
            h = (h ^ b) * FnvPrime;
        }
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Finalize(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
