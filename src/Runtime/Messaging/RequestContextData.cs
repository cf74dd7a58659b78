using System.Collections.Immutable;

namespace Granary.Runtime.Messaging;

/// <summary>The immutable values of a request context; shared by reference between a caller and its callees.</summary>
internal sealed class RequestContextData
{
    public static readonly RequestContextData Empty = new(ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    public RequestContextData(ImmutableDictionary<string, string> values) => Values = values;

    public ImmutableDictionary<string, string> Values { get; }

    public RequestContextData With(string key, string? value) =>
        new(value is null ? Values.Remove(key) : Values.SetItem(key, value));
}
