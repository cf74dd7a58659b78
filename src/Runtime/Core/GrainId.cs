namespace Granary.Runtime;

/// <summary>
/// The identity of a grain: its grain type name and its key in canonical string form.
/// String form <c>type/key</c>. The 64-bit <see cref="Hash"/> is stable across processes.
/// </summary>
public readonly struct GrainId : IEquatable<GrainId>
{
    /// <summary>Creates an id from a grain type name and a canonical key.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        Hash = StableHash.Compute(type, key);
    }

    /// <summary>The grain type name (the class name, lower-case, without a trailing "grain", unless [GrainType] says otherwise).</summary>
    public string Type { get; }

    /// <summary>The key in canonical form: the string itself, a Guid as 32 hex digits, an integer in decimal.</summary>
    public string Key { get; }

    /// <summary>Stable 64-bit hash of type and key; drives placement and reminder buckets.</summary>
    public ulong Hash { get; }

    /// <summary>True for the default value, which names no grain.</summary>
    public bool IsDefault => Type is null;

    /// <summary>Parses the <c>type/key</c> form.</summary>
    public static GrainId Parse(string value)
    {
        var slash = value.IndexOf('/');
        if (slash <= 0)
        {
            throw new FormatException($"'{value}' is not a grain id: expected 'type/key'.");
        }
        return new GrainId(value[..slash], value[(slash + 1)..]);
    }

    /// <summary>The canonical key for a Guid.</summary>
    public static string KeyOf(Guid key) => key.ToString("N");

    /// <summary>The canonical key for an integer.</summary>
    public static string KeyOf(long key) => key.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool Equals(GrainId other) =>
        Hash == other.Hash && string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is GrainId other && Equals(other);

    public override int GetHashCode() => (int)Hash ^ (int)(Hash >> 32);

    public override string ToString() => IsDefault ? "(none)" : $"{Type}/{Key}";

    public static bool operator ==(GrainId left, GrainId right) => left.Equals(right);

    public static bool operator !=(GrainId left, GrainId right) => !left.Equals(right);
}
