namespace Granary.Runtime.Activations;

/// <summary>
/// Runs one activation's work items one at a time, in order, on the thread pool. It is the activation's
/// <see cref="SynchronizationContext"/> while its items run, so every <c>await</c> in grain code resumes here:
/// grain code never runs on two threads at once.
/// </summary>
internal sealed class ActivationScheduler : SynchronizationContext, IThreadPoolWorkItem
{
    // After this many items in one go the scheduler yields its thread, so one busy activation can't starve others.
    private const int ItemsPerQuantum = 64;

    private readonly object _lock = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _items = new();
    private bool _scheduled;

    /// <summary>Where an exception that escaped a work item is reported (the silo logs it).</summary>
    public static Action<Exception>? UnhandledItemException { get; set; }

    /// <summary>The thread currently running this scheduler's items, for assertions and diagnostics.</summary>
    public int RunningThreadId { get; private set; }

    /// <summary>True when called from inside one of this scheduler's items.</summary>
    public bool IsCurrent => ReferenceEquals(Current, this);

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_lock)
        {
            _items.Enqueue((d, state));
            if (_scheduled)
            {
                return;
            }
            _scheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Grain code can't block on its own activation; await instead.");

    public override SynchronizationContext CreateCopy() => this;

    void IThreadPoolWorkItem.Execute() => RunQuantum();

    /// <summary>
    /// Runs <paramref name="d"/> now, on the calling thread, when the scheduler is idle (nothing queued, nothing
    /// running), then whatever that queued, up to a quantum — saving the thread-pool hop for callers outside grains.
    /// The item runs in a clean execution context, as it would on the thread pool, so the caller's async-locals
    /// don't leak into grain code. Returns false, having done nothing, when the scheduler is busy.
    /// </summary>
    public bool TryRunInline(SendOrPostCallback d, object? state)
    {
        lock (_lock)
        {
            if (_scheduled)
            {
                return false;
            }
            _scheduled = true;
            _items.Enqueue((d, state));
        }
        ExecutionContext.Run(CleanContext, static s => ((ActivationScheduler)s!).RunQuantum(), this);
        return true;
    }

    private static readonly ExecutionContext CleanContext = CaptureCleanContext();

    /// <summary>The context of a thread that inherited nothing: what thread-pool work items started with UnsafeQueueUserWorkItem see.</summary>
    private static ExecutionContext CaptureCleanContext()
    {
        ExecutionContext? clean = null;
        var thread = new Thread(() => clean = ExecutionContext.Capture());
        thread.UnsafeStart();
        thread.Join();
        return clean ?? throw new InvalidOperationException("Could not capture a clean execution context.");
    }

    private void RunQuantum()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        RunningThreadId = Environment.CurrentManagedThreadId;
        try
        {
            for (var i = 0; i < ItemsPerQuantum; i++)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (_lock)
                {
                    if (!_items.TryDequeue(out item))
                    {
                        _scheduled = false;
                        return;
                    }
                }
                try
                {
                    item.Callback(item.State);
                }
                catch (Exception ex)
                {
                    // Request and timer code records its own failures; reaching here is a runtime bug. Keep the
                    // activation running and make it visible.
                    UnhandledItemException?.Invoke(ex);
                }
            }
        }
        finally
        {
            RunningThreadId = 0;
            SetSynchronizationContext(previous);
        }

        // Quantum used up with work left: go to the back of the thread pool's queue.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }
}
