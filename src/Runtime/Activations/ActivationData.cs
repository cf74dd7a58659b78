using Granary.Runtime.Messaging;

namespace Granary.Runtime.Activations;

/// <summary>
/// One in-memory instance of a grain: its grain object, its scheduler and its request queue. Requests start one
/// at a time unless the class is [Reentrant], the method is [AlwaysInterleave], or all running requests and the
/// new one are [ReadOnly]. Lifecycle in <see cref="ActivationState"/>; activation and deactivation in the
/// Lifecycle part of this class.
/// </summary>
internal sealed partial class ActivationData : IRequestTarget
{
    private static readonly SendOrPostCallback RunRequestCallback = static state => ((GrainRequest)state!).Executor!.RunRequest((GrainRequest)state);

    private readonly object _lock = new();
    private readonly Queue<GrainRequest> _pending = new();
    private readonly List<GrainRequest> _running = new(1);
    private ActivationState _state = ActivationState.Creating;
    private long _lastUse;
    private object? _grain;

    public ActivationData(GrainId id, GrainClassInfo classInfo, SiloRuntime runtime, StatelessWorkerPool? pool = null)
    {
        Id = id;
        ClassInfo = classInfo;
        Runtime = runtime;
        Pool = pool;
        _lastUse = runtime.Time.GetTimestamp();
    }

    public GrainId Id { get; }

    public GrainClassInfo ClassInfo { get; }

    public SiloRuntime Runtime { get; }

    /// <summary>The pool this activation belongs to, for stateless workers.</summary>
    public StatelessWorkerPool? Pool { get; }

    public ActivationScheduler Scheduler { get; } = new();

    /// <summary>The grain object, once constructed.</summary>
    public object? Grain => _grain;

    public ActivationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public bool IsGone => State == ActivationState.Dead;

    /// <summary>Requests queued or running; the stateless worker pool uses it to pick the least busy worker.</summary>
    public int Load
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count + _running.Count;
            }
        }
    }

    public bool TryEnqueue(GrainRequest request)
    {
        var deadlock = false;
        // A caller outside any grain (HTTP handler, transport, reminder service) may run the request on its own
        // thread when the activation is idle; a grain's call always goes through the callee's queue.
        var inline = SynchronizationContext.Current is not ActivationScheduler ? request : null;
        lock (_lock)
        {
            if (_state == ActivationState.Dead)
            {
                return false;
            }
            if (_running.Count > 0 && !ClassInfo.IsReentrant && Pool is null
                && (request.Options & RequestOptions.AlwaysInterleave) == 0 && IsAncestorOf(request))
            {
                deadlock = true;
            }
            else
            {
                _pending.Enqueue(request);
                inline = StartEligibleLocked(inline);
            }
        }

        if (inline is not null && !Scheduler.TryRunInline(RunRequestCallback, inline))
        {
            Scheduler.Post(RunRequestCallback, inline);
        }

        if (deadlock)
        {
            request.TryFail(new DeadlockException(
                $"Call cycle through non-reentrant grain {Id}: {DescribeChain(request)}. {Id} is busy with the request waiting for this call, so it would wait forever. " +
                "Break the cycle, mark the grain class [Reentrant], or mark the method [AlwaysInterleave]."));
        }
        return true;
    }

    /// <summary>
    /// True when the request descends from a request this activation is running now: that one waits (directly or
    /// through others) for this call, which could never start. An ancestor that already finished here (a call that
    /// was not awaited) closes no cycle. Caller holds the lock.
    /// </summary>
    private bool IsAncestorOf(GrainRequest request)
    {
        for (var parent = request.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.Target == Id && IsRunningLocked(parent.CallId))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Matches by call id, so an ancestor that ran here on behalf of another silo's chain is found too.</summary>
    private bool IsRunningLocked(long callId)
    {
        foreach (var running in _running)
        {
            if (running.CallId == callId)
            {
                return true;
            }
        }
        return false;
    }

    private static string DescribeChain(GrainRequest request)
    {
        var chain = new List<string>();
        for (var r = request; r is not null; r = r.Parent)
        {
            chain.Add($"{r.Target}.{r.MethodName}");
        }
        chain.Reverse();
        return string.Join(" → ", chain);
    }

    /// <summary>
    /// Starts every queued request the scheduling rules allow. Caller holds the lock. When <paramref name="inline"/>
    /// is among them and starts last, it is not posted but returned, for the caller to run once the lock is released;
    /// otherwise null is returned.
    /// </summary>
    private GrainRequest? StartEligibleLocked(GrainRequest? inline = null)
    {
        if (_state != ActivationState.Active || _deactivationRequested)
        {
            return null;
        }
        GrainRequest? deferred = null;
        while (_pending.Count > 0 && CanStartLocked(_pending.Peek()))
        {
            var request = _pending.Dequeue();
            _running.Add(request);
            request.Executor = this;
            if (ReferenceEquals(request, inline) && _pending.Count == 0)
            {
                deferred = request;
                continue;
            }
            Scheduler.Post(RunRequestCallback, request);
        }
        return deferred;
    }

    private bool CanStartLocked(GrainRequest next)
    {
        if (_running.Count == 0 || ClassInfo.IsReentrant || (next.Options & RequestOptions.AlwaysInterleave) != 0)
        {
            return true;
        }
        if ((next.Options & RequestOptions.ReadOnly) == 0)
        {
            return false;
        }
        foreach (var running in _running)
        {
            if ((running.Options & RequestOptions.ReadOnly) == 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Runs on the scheduler: invokes the method, then finishes the request when its task completes.</summary>
    private void RunRequest(GrainRequest request)
    {
        var pending = Runtime.IncomingFilters.Length == 0
            ? InvokeScopedAsync(request)
            : IncomingCallContext.InvokeAsync(this, request);
        if (pending.IsCompleted)
        {
            FinishRequest(request);
        }
        else
        {
            FinishWhenDone(pending, request);
        }
    }

    /// <summary>Invokes with the request as the ambient call; the async method scopes that to this request's flow.</summary>
    internal async ValueTask InvokeScopedAsync(GrainRequest request)
    {
        CallScope.Enter(request);
        await request.InvokeAsync(_grain!);
    }

    private async void FinishWhenDone(ValueTask pending, GrainRequest request)
    {
        try
        {
            await pending;
        }
        finally
        {
            FinishRequest(request);
        }
    }

    private void FinishRequest(GrainRequest request)
    {
        var now = Runtime.Time.GetTimestamp();
        var failure = request.Failure;
        if (!request.IsSystem)
        {
            Runtime.Statistics.RecordCall(ClassInfo.StatsFor(request, Runtime.Statistics), Runtime.Time.GetElapsedTime(request.SentAt, now).TotalMicroseconds, failure is not null);
        }
        if (failure is InconsistentStateException)
        {
            Deactivate(new DeactivationReason(DeactivationReasonCode.InconsistentState, "a state write found a newer etag"));
        }

        bool deactivateNow;
        lock (_lock)
        {
            _running.Remove(request);
            if (!request.IsSystem)
            {
                _lastUse = now;
            }
            StartEligibleLocked();
            deactivateNow = _deactivationRequested && _running.Count == 0 && _state == ActivationState.Active;
        }

        if (deactivateNow)
        {
            BeginDeactivation();
        }
        PublishOutsideContext(request);
    }

    /// <summary>
    /// Completes the caller's task with this activation's context taken off the thread, so a caller outside any grain
    /// that continues inline does not run inside this activation.
    /// </summary>
    private static void PublishOutsideContext(GrainRequest request)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            request.Publish();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    public void ExpireRequests(long now)
    {
        // Runs every deadline check for every activation: no allocation unless something expired.
        List<GrainRequest>? expired = null;
        lock (_lock)
        {
            var pending = _pending.Count;
            for (var i = 0; i < pending; i++)
            {
                var request = _pending.Dequeue();
                if (request.Deadline <= now)
                {
                    (expired ??= []).Add(request);
                }
                else
                {
                    _pending.Enqueue(request);
                }
            }
            foreach (var running in _running)
            {
                if (running.Deadline <= now)
                {
                    (expired ??= []).Add(running);
                }
            }
        }

        if (expired is null)
        {
            return;
        }
        foreach (var request in expired)
        {
            var timeout = Runtime.Time.GetElapsedTime(request.SentAt, request.Deadline);
            if (request.TryFail(new GrainCallTimeoutException(
                $"Call to {Id}.{request.MethodName} did not complete within {timeout.TotalSeconds:0.###} s (its deadline); the grain method was cancelled if it takes a CancellationToken.")))
            {
                Runtime.Statistics.RecordCall(ClassInfo.StatsFor(request, Runtime.Statistics), timeout.TotalMicroseconds, failed: true);
            }
            request.Cancel();
        }
    }

    public int CollectIdle(long now, TimeSpan defaultAge)
    {
        var age = ClassInfo.CollectionAge ?? defaultAge;
        lock (_lock)
        {
            if (_state != ActivationState.Active || _running.Count > 0 || _pending.Count > 0
                || Runtime.Time.GetElapsedTime(_lastUse, now) < age)
            {
                return 0;
            }
        }
        Deactivate(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"idle for more than {age}"));
        return 1;
    }
}
