namespace Granary.Runtime;

using Granary.Runtime.Messaging;

/// <summary>
/// String key/values (a correlation id, the tenant, the caller) that flow with grain calls: whatever is set
/// when a call is made is visible inside the called grain and in the calls it makes in turn.
/// Setting a value inside a grain affects only the calls made after it from that request.
/// </summary>
public static class RequestContext
{
    /// <summary>The key under which <see cref="CorrelationId"/> is stored.</summary>
    public const string CorrelationIdKey = "correlation-id";

    /// <summary>The correlation id of the current call chain, if one was set.</summary>
    public static string? CorrelationId
    {
        get => Get(CorrelationIdKey);
        set => Set(CorrelationIdKey, value);
    }

    /// <summary>A value of the current context, or null.</summary>
    public static string? Get(string key) =>
        CallScope.DataOf(CallScope.Capture()) is { } data && data.Values.TryGetValue(key, out var value) ? value : null;

    /// <summary>Sets (or with null, removes) a value for the calls made from here on.</summary>
    public static void Set(string key, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        CallScope.SetData((CallScope.DataOf(CallScope.Capture()) ?? RequestContextData.Empty).With(key, value));
    }

    /// <summary>Every value of the current context.</summary>
    public static IReadOnlyDictionary<string, string> Values =>
        CallScope.DataOf(CallScope.Capture())?.Values ?? RequestContextData.Empty.Values;

    /// <summary>Removes every value.</summary>
    public static void Clear() => CallScope.SetData(null);
}
