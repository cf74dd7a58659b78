using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Granary.Persistence.Storage;

/// <summary>
/// Sits in front of Orleans's AdoNetGrainStorage and hands it the whole grain id as a string key.
/// </summary>
/// <remarks>
/// The ADO.NET provider keys a row by (state name, key) and drops the grain type (dotnet/orleans#8746:
/// an order and an invoice with key "42" and state "state" would share one row), and it reads a string
/// key that parses as hexadecimal or as a Guid as an integer or Guid key, so "020235" and "20235", or
/// "abc" and "ABC", are one row (dotnet/orleans#9706). Passing "type/key" — a text that never parses as
/// a number or Guid — keeps one row per grain. Everything else (ETags, errors, serializer) is Orleans's.
/// </remarks>
internal sealed class FullGrainIdStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IGrainStorage _inner = inner;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ReadStateAsync(stateName, ToStorageId(grainId), grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.WriteStateAsync(stateName, ToStorageId(grainId), grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ClearStateAsync(stateName, ToStorageId(grainId), grainState);

    // The runtime calls the overloads with a token; forwarding them keeps the token for a provider that honours it.
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.ReadStateAsync(stateName, ToStorageId(grainId), grainState, cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.WriteStateAsync(stateName, ToStorageId(grainId), grainState, cancellationToken);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.ClearStateAsync(stateName, ToStorageId(grainId), grainState, cancellationToken);

    // AddGrainStorage subscribes the registered storage to the silo lifecycle by casting it to this
    // interface: forwarding keeps the ADO.NET provider's initialisation (reading OrleansQuery).
    public void Participate(ISiloLifecycle lifecycle) =>
        (_inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    /// <summary>The grain id the ADO.NET provider sees: same type, key "type/key" (see remarks on the class).</summary>
    internal static GrainId ToStorageId(GrainId grainId) =>
        GrainId.Create(grainId.Type, IdSpan.Create(StorageKey(grainId)));

    /// <summary>
    /// "type/key" when the type has no '/', '+' or '!'. That text never parses as an integer key (the part
    /// before its first '+' holds the '/') nor as a Guid key (32 hex digits, alone or followed by '+': a type
    /// shorter than 32 characters puts the '/' among the first 32, a longer one puts the '/' or a type
    /// character, never '+', at index 32). Other types are percent-escaped behind a leading '!', which no
    /// unescaped type starts with, so the mapping stays one-to-one.
    /// </summary>
    internal static string StorageKey(GrainId grainId)
    {
        var type = grainId.Type.ToString()!;
        var key = grainId.Key.ToString()!;
        return type.AsSpan().IndexOfAny('/', '+', '!') >= 0
            ? $"!{Uri.EscapeDataString(type)}/{key}"
            : $"{type}/{key}";
    }
}
