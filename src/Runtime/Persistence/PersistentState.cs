using Granary.Runtime.Activations;

namespace Granary.Runtime.Persistence;

/// <summary>Binds one <see cref="IPersistentState{TState}"/> of one activation to its storage provider.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IActivationLoader
{
    private readonly IGrainStorage _storage;
    private readonly ActivationData _activation;
    private readonly string _stateName;
    private TState _state;

    public PersistentState(IGrainStorage storage, ActivationData activation, string stateName)
    {
        _storage = storage;
        _activation = activation;
        _stateName = stateName;
        _state = GrainStateSerializer.CreateDefault<TState>();
        activation.AddLoader(this);
    }

    public TState State
    {
        get => _state;
        set => _state = value;
    }

    public string? Etag { get; private set; }

    public bool RecordExists => Etag is not null;

    public Task LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _storage.ReadAsync(_activation.Id, _stateName, cancellationToken);
        _state = stored is null ? GrainStateSerializer.CreateDefault<TState>() : GrainStateSerializer.Deserialize<TState>(stored.Json);
        Etag = stored?.Etag;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var json = GrainStateSerializer.Serialize(_state);
        try
        {
            Etag = await _storage.WriteAsync(_activation.Id, _stateName, json, Etag, cancellationToken);
        }
        catch (Exception exception)
        {
            DeactivateAfterFailed("writing", exception);
            throw;
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _storage.ClearAsync(_activation.Id, _stateName, Etag, cancellationToken);
        }
        catch (Exception exception)
        {
            DeactivateAfterFailed("clearing", exception);
            throw;
        }
        Etag = null;
        _state = GrainStateSerializer.CreateDefault<TState>();
    }

    /// <summary>
    /// After a failed write or clear the state in memory may differ from what is stored (a newer etag, or an outcome
    /// nobody knows): a later call must not take it for stored, e.g. an idempotency check that would acknowledge what
    /// was never written. The activation goes, and the next call starts from the stored state.
    /// </summary>
    private void DeactivateAfterFailed(string operation, Exception exception) =>
        _activation.Deactivate(new DeactivationReason(DeactivationReasonCode.InconsistentState, exception is InconsistentStateException
            ? $"state '{_stateName}' changed in storage since it was read"
            : $"{operation} state '{_stateName}' failed: {exception.Message}"));
}
