namespace Granary.Runtime;

/// <summary>
/// A named piece of grain state kept in a grain storage provider. Injected into the grain's constructor with
/// <see cref="PersistentStateAttribute"/>; read before <c>OnActivateAsync</c>; written only when the grain calls
/// <see cref="WriteStateAsync"/>. Every write is conditional on <see cref="Etag"/>.
/// </summary>
public interface IPersistentState<TState>
{
    /// <summary>The state. A fresh default value when nothing is stored.</summary>
    TState State { get; set; }

    /// <summary>The etag of the stored record this state was read from or last written as; null when none exists.</summary>
    string? Etag { get; }

    /// <summary>True when a record exists in storage.</summary>
    bool RecordExists { get; }

    /// <summary>Reloads the state from storage, discarding unsaved changes.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <see cref="State"/>. Throws <see cref="InconsistentStateException"/> when the record changed since it
    /// was read. When the write fails for any reason the activation is deactivated, so the next call starts from the
    /// stored state rather than from an unsaved one.
    /// </summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the stored record (conditional on the etag) and resets <see cref="State"/> to its default. Like a failed
    /// write, a failed clear deactivates the activation.
    /// </summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>.</summary>
/// <param name="stateName">The state's name, unique within the grain class.</param>
/// <param name="storageName">The storage provider's name; "Default" when omitted.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string storageName = PersistentStateAttribute.DefaultStorageName) : Attribute
{
    /// <summary>The name of the storage provider used when none is given.</summary>
    public const string DefaultStorageName = "Default";

    /// <summary>The state's name.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The storage provider's name.</summary>
    public string StorageName { get; } = storageName;
}
