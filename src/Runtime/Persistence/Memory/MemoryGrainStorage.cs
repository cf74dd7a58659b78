using System.Globalization;

namespace Granary.Runtime.Persistence.Memory;

/// <summary>
/// Grain state kept in process memory, for tests and single-silo experiments. Etags are increasing integers
/// drawn from one counter for the whole store, so an etag read before a clear never matches a record
/// written after it.
/// </summary>
internal sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(string Type, string Key, string StateName), StoredState> _states = [];
    private readonly Lock _lock = new();
    private long _lastVersion;

    public string Kind => "memory";

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_states.GetValueOrDefault((grainId.Type, grainId.Key, stateName)));
        }
    }

    public Task<string> WriteAsync(GrainId grainId, string stateName, string json, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        var key = (grainId.Type, grainId.Key, stateName);
        lock (_lock)
        {
            var storedEtag = _states.GetValueOrDefault(key)?.Etag;
            if (!string.Equals(storedEtag, etag, StringComparison.Ordinal))
            {
                throw Conflict("write", grainId, stateName, storedEtag, etag);
            }

            var newEtag = (++_lastVersion).ToString(CultureInfo.InvariantCulture);
            _states[key] = new StoredState(json, newEtag);
            return Task.FromResult(newEtag);
        }
    }

    public Task ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken)
    {
        var key = (grainId.Type, grainId.Key, stateName);
        lock (_lock)
        {
            var storedEtag = _states.GetValueOrDefault(key)?.Etag;
            if (!string.Equals(storedEtag, etag, StringComparison.Ordinal))
            {
                throw Conflict("clear", grainId, stateName, storedEtag, etag);
            }

            _states.Remove(key);
            return Task.CompletedTask;
        }
    }

    public Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ProviderHealth("storage", Kind, true, "in-process memory"));

    private static InconsistentStateException Conflict(string operation, GrainId grainId, string stateName, string? storedEtag, string? etag) =>
        new($"Cannot {operation} state '{stateName}' of {grainId}: stored etag is {storedEtag ?? "(none)"}, presented etag is {etag ?? "(none)"}.", storedEtag, etag);
}
