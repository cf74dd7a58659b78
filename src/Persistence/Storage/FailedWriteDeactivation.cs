using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Granary.Persistence.Storage;

/// <summary>
/// Deactivates the activation whose state write or clear failed, whatever the failure. Orleans deactivates only when
/// an <see cref="InconsistentStateException"/> escapes the grain call, so a grain that catches the failure (or a write
/// whose outcome is unknown: a timeout, a lost connection) would go on trusting state that may not be stored. Here the
/// next call always starts from what storage holds. The failure still reaches the grain.
/// </summary>
internal sealed class FailedWriteDeactivation(IGrainStorage inner, IGrainContextAccessor contexts) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IGrainStorage _inner = inner;
    private readonly IGrainContextAccessor _contexts = contexts;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(_inner.WriteStateAsync(stateName, grainId, grainState), "write", stateName);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(_inner.ClearStateAsync(stateName, grainId, grainState), "clear", stateName);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Guard(_inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken), "write", stateName);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Guard(_inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken), "clear", stateName);

    public void Participate(ISiloLifecycle lifecycle) =>
        (_inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task Guard(Task operation, string what, string stateName)
    {
        // Taken before awaiting: the storage call runs in the calling activation's context.
        var activation = _contexts.GrainContext;
        try
        {
            await operation;
        }
        catch (Exception exception)
        {
            // A reason without the exception: with one, Orleans would reject the calls queued on this activation with
            // it instead of handing them to a fresh activation that reloads what storage holds.
            activation?.Deactivate(new DeactivationReason(
                DeactivationReasonCode.ApplicationError,
                $"The {what} of state '{stateName}' failed ({exception.GetType().Name}: {exception.Message}); the next call reloads what storage holds."));
            throw;
        }
    }
}
