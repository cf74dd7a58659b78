using Granary.Runtime.Hosting;
using Granary.Runtime.Messaging;
using Granary.Runtime.Timers;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Activations;

/// <summary>Activation and deactivation of an <see cref="ActivationData"/>, both run on its scheduler.</summary>
internal sealed partial class ActivationData
{
    private readonly List<IActivationLoader> _loaders = [];
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _dead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _deactivationRequested;
    private DeactivationReason _deactivationReason;

    /// <summary>The current construction, so the <see cref="Runtime.Grain"/> base constructor can find its activation.</summary>
    [ThreadStatic]
    internal static ActivationData? Constructing;

    /// <summary>Completes when the activation is dead.</summary>
    public Task Dead => _dead.Task;

    public void AddLoader(IActivationLoader loader) => _loaders.Add(loader);

    public void AddTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Dead)
            {
                throw new InvalidOperationException($"Activation {Id} is deactivating; it can't register timers.");
            }
            _timers.Add(timer);
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    public void Start() => Scheduler.Post(static state => ((ActivationData)state!).RunActivation(), this);

    private async void RunActivation()
    {
        lock (_lock)
        {
            _state = ActivationStateMachine.Move(_state, ActivationState.Activating, Id);
        }

        try
        {
            Constructing = this;
            try
            {
                _grain = ClassInfo.Constructor.Create(Runtime.Services, this);
            }
            finally
            {
                Constructing = null;
            }

            using var timeout = new CancellationTokenSource(Runtime.Options.ActivationTimeout, Runtime.Time);
            foreach (var loader in _loaders)
            {
                await loader.LoadAsync(timeout.Token);
            }
            if (_grain is Grain grain)
            {
                await grain.OnActivateAsync(timeout.Token);
            }
        }
        catch (Exception ex)
        {
            Runtime.Log.ActivationFailed(ex, Id);
            var rejected = Die();
            Runtime.Catalog.Remove(this);
            _dead.TrySetResult();
            foreach (var request in rejected)
            {
                request.TryFail(ex);
            }
            return;
        }

        Runtime.Statistics.ActivationCreated(ClassInfo.TypeName);
        bool deactivateNow;
        lock (_lock)
        {
            _state = ActivationStateMachine.Move(_state, ActivationState.Active, Id);
            StartEligibleLocked();
            deactivateNow = _deactivationRequested && _running.Count == 0;
        }
        if (deactivateNow)
        {
            BeginDeactivation();
        }
    }

    /// <summary>
    /// Asks for deactivation: it starts once no request is running; requests that arrive meanwhile wait and then go
    /// to a new activation.
    /// </summary>
    public void Deactivate(DeactivationReason reason)
    {
        bool startNow;
        lock (_lock)
        {
            if (_deactivationRequested || _state is ActivationState.Deactivating or ActivationState.Dead)
            {
                return;
            }
            _deactivationRequested = true;
            _deactivationReason = reason;
            startNow = _state == ActivationState.Active && _running.Count == 0;
        }
        if (startNow)
        {
            BeginDeactivation();
        }
    }

    public Task DeactivateAsync(DeactivationReason reason)
    {
        Deactivate(reason);
        return Dead;
    }

    private void BeginDeactivation() => Scheduler.Post(static state => ((ActivationData)state!).RunDeactivation(), this);

    private async void RunDeactivation()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            if (_state != ActivationState.Active)
            {
                return;
            }
            _state = ActivationStateMachine.Move(_state, ActivationState.Deactivating, Id);
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Stop();
        }

        if (_grain is Grain grain)
        {
            try
            {
                using var timeout = new CancellationTokenSource(Runtime.Options.DeactivationTimeout, Runtime.Time);
                await grain.OnDeactivateAsync(_deactivationReason, timeout.Token);
            }
            catch (Exception ex)
            {
                Runtime.Log.DeactivationFailed(ex, Id);
            }
        }

        var leftovers = Die();
        Runtime.Catalog.Remove(this);
        Runtime.Statistics.ActivationDestroyed(ClassInfo.TypeName);
        Runtime.Log.Deactivated(Id, _deactivationReason.ToString());
        _dead.TrySetResult();

        // Requests that arrived while this activation wound down go to its successor; its own timer ticks die with it.
        foreach (var request in leftovers)
        {
            if (request.IsSystem)
            {
                request.TryFail(new OperationCanceledException($"{Id} deactivated before its timer tick ran."));
                continue;
            }
            Runtime.Dispatcher.Redispatch(request);
        }
    }

    /// <summary>Moves to Dead and takes the requests still queued; no request is queued here after this.</summary>
    private List<GrainRequest> Die()
    {
        lock (_lock)
        {
            _state = ActivationStateMachine.Move(_state, ActivationState.Dead, Id);
            List<GrainRequest> queued = [.. _pending];
            _pending.Clear();
            return queued;
        }
    }
}
