using Granary.Runtime.Activations;
using Granary.Runtime.Timers;

namespace Granary.Runtime;

/// <summary>
/// Base class of grain classes. The runtime creates instances (constructor injection from the silo's services,
/// [PersistentState] parameters bound to storage); code never calls <c>new</c> on a grain.
/// </summary>
public abstract class Grain
{
    private readonly ActivationData _activation;

    /// <summary>Binds the grain to the activation the runtime is constructing.</summary>
    protected Grain()
    {
        _activation = ActivationData.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} is a grain: the runtime creates it. Get a reference with IGrainFactory.GetGrain instead of calling its constructor.");
    }

    internal ActivationData Activation => _activation;

    /// <summary>This grain's id.</summary>
    public GrainId GrainId => _activation.Id;

    /// <summary>The grain factory, for calling other grains.</summary>
    protected IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    /// <summary>The silo's clock; use it instead of DateTime.UtcNow so tests can drive time.</summary>
    protected TimeProvider TimeProvider => _activation.Runtime.Time;

    /// <summary>The key of a grain with a string key.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>The key of a grain with a Guid key.</summary>
    public Guid GetPrimaryKey() => Guid.ParseExact(GrainId.Key, "N");

    /// <summary>The key of a grain with an integer key.</summary>
    public long GetPrimaryKeyLong() => long.Parse(GrainId.Key, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs after persistent states are loaded and before the first request.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the activation is deactivated (idle, asked to, silo shutdown). Not called after a crash.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current request completes; the next call creates a fresh one.</summary>
    protected void DeactivateOnIdle() =>
        _activation.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle() was called"));

    /// <summary>Starts a timer whose ticks run on this activation like requests (non-reentrant unless the grain is [Reentrant]).</summary>
    /// <param name="callback">The tick; receives a token cancelled when the timer stops.</param>
    /// <param name="dueTime">Delay before the first tick.</param>
    /// <param name="period">Delay between the end of one tick and the next; <see cref="Timeout.InfiniteTimeSpan"/> for one tick.</param>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(_activation, (_, token) => callback(token), null, dueTime, period);
    }

    /// <summary>Starts a timer with a state argument. See <see cref="RegisterGrainTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>.</summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(_activation, (s, token) => callback((TState)s!, token), state, dueTime, period);
    }

    /// <summary>Registers (or replaces) a durable periodic reminder; ticks arrive at <see cref="IRemindable.ReceiveReminder"/>.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string name, TimeSpan dueTime, TimeSpan period) =>
        _activation.Runtime.Reminders.RegisterAsync(GrainId, _activation.ClassInfo, name, dueTime, period);

    /// <summary>Registers (or replaces) a durable one-shot reminder: one tick at <paramref name="dueTime"/> from now, retried with backoff if it fails.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string name, TimeSpan dueTime) =>
        _activation.Runtime.Reminders.RegisterAsync(GrainId, _activation.ClassInfo, name, dueTime, period: null);

    /// <summary>Removes a reminder; nothing happens when it doesn't exist.</summary>
    protected Task UnregisterReminder(string name) => _activation.Runtime.Reminders.UnregisterAsync(GrainId, name);

    /// <summary>Removes a reminder.</summary>
    protected Task UnregisterReminder(IGrainReminder reminder) => UnregisterReminder(reminder.Name);

    /// <summary>One of this grain's reminders, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string name) => _activation.Runtime.Reminders.GetAsync(GrainId, name);

    /// <summary>All of this grain's reminders.</summary>
    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() => _activation.Runtime.Reminders.GetAllAsync(GrainId);
}
