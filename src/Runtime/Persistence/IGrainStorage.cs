namespace Granary.Runtime.Persistence;

/// <summary>
/// A grain state store. States are JSON documents keyed by (grain type, grain key, state name), with an
/// opaque etag that every write and clear must present: a mismatch throws <see cref="InconsistentStateException"/>.
/// Implementations create their own schema in <see cref="InitializeAsync"/> (idempotent, versioned).
/// </summary>
public interface IGrainStorage
{
    /// <summary>The provider kind, e.g. "sqlite", "postgres", "memory".</summary>
    string Kind { get; }

    /// <summary>Connects and applies schema migrations. Safe to call from several silos at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads a state; null when no record exists.</summary>
    Task<StoredState?> ReadAsync(GrainId grainId, string stateName, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="json"/> if the stored etag equals <paramref name="etag"/> (null = no record may exist)
    /// and returns the new etag. Throws <see cref="InconsistentStateException"/> otherwise.
    /// </summary>
    Task<string> WriteAsync(GrainId grainId, string stateName, string json, string? etag, CancellationToken cancellationToken);

    /// <summary>Deletes the record if its etag equals <paramref name="etag"/>; throws <see cref="InconsistentStateException"/> otherwise.
    /// Clearing a record that does not exist with a null etag is a no-op.</summary>
    Task ClearAsync(GrainId grainId, string stateName, string? etag, CancellationToken cancellationToken);

    /// <summary>Reports whether the store answers, for /health/ready.</summary>
    Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>A stored state document and its etag.</summary>
public sealed record StoredState(string Json, string Etag);
