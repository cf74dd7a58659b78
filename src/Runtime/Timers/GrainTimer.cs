using Granary.Runtime.Hosting;
using Granary.Runtime.Activations;
using Granary.Runtime.Messaging;

namespace Granary.Runtime.Timers;

/// <summary>
/// A grain timer. Each tick is queued to the activation like a request, so it never overlaps a non-reentrant
/// request, and the next tick is scheduled a period after the previous callback completed (ticks never overlap).
/// Timer ticks don't keep the activation alive.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<object?, CancellationToken, Task> _callback;
    private readonly object? _state;
    private readonly CancellationTokenSource _stopped = new();
    private readonly object _lock = new();
    private ITimer? _timer;
    private TimeSpan _period;
    private bool _tickInFlight;
    private TimeSpan? _changedDue;

    public GrainTimer(ActivationData activation, Func<object?, CancellationToken, Task> callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimes(dueTime, period);
        _activation = activation;
        _callback = callback;
        _state = state;
        _period = period;
        activation.AddTimer(this);
        // The timer must not capture the registering request's execution context (its call chain and request context).
        using (ExecutionContext.SuppressFlow())
        {
            _timer = activation.Runtime.Time.CreateTimer(static s => ((GrainTimer)s!).OnDue(), this, dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimes(dueTime, period);
        lock (_lock)
        {
            _period = period;
            if (_tickInFlight)
            {
                // Takes effect once the running tick completes.
                _changedDue = dueTime;
                return;
            }
            _timer?.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        Stop();
        _activation.RemoveTimer(this);
    }

    /// <summary>Stops future ticks and cancels the token of a running one.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            if (_stopped.IsCancellationRequested)
            {
                return;
            }
            _stopped.Cancel();
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnDue()
    {
        lock (_lock)
        {
            if (_stopped.IsCancellationRequested)
            {
                return;
            }
            _tickInFlight = true;
        }
        var tick = new TimerTickRequest(this) { Target = _activation.Id, Deadline = long.MaxValue, SentAt = _activation.Runtime.Time.GetTimestamp() };
        if (!_activation.TryEnqueue(tick))
        {
            Stop();
        }
    }

    private Task InvokeCallback() => _callback(_state, _stopped.Token);

    private void TickCompleted(Exception? failure)
    {
        if (failure is not null)
        {
            _activation.Runtime.Log.TimerTickFailed(failure, _activation.Id);
        }
        lock (_lock)
        {
            _tickInFlight = false;
            if (_stopped.IsCancellationRequested)
            {
                return;
            }
            var next = _changedDue ?? _period;
            _changedDue = null;
            if (next != Timeout.InfiniteTimeSpan)
            {
                _timer?.Change(next, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private static void ValidateTimes(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A timer's due time must be zero or positive.");
        }
        if (period <= TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A timer's period must be positive, or Timeout.InfiniteTimeSpan for a single tick.");
        }
    }

    private sealed class TimerTickRequest(GrainTimer timer) : GrainRequest<VoidResult>
    {
        public override string InterfaceName => "timer";

        public override string MethodName => "tick";

        public override int MethodId => -1;

        public override int ArgumentCount => 0;

        internal override bool IsSystem => true;

        public override object? GetArgument(int index) => throw new ArgumentOutOfRangeException(nameof(index));

        protected override ValueTask<VoidResult> InvokeCore(object grain, CancellationToken cancellationToken) => AsVoid(timer.InvokeCallback());

        internal override void Publish()
        {
            base.Publish();
            timer.TickCompleted(Failure);
        }
    }
}
