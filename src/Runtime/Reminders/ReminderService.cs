using System.Collections.Concurrent;
using Granary.Runtime.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Reminders;

/// <summary>
/// Keeps a silo's durable reminders. Every <see cref="ReminderOptions.PollInterval"/> it claims, in the buckets it owns,
/// the ticks due within two poll intervals (the claim moves them a lease ahead in the table, so no other poll fires
/// them), then fires each at its due time with a local timer. A fired tick is completed in the table (periodic: next
/// aligned due time after now, so missed ticks fire once, late, then the period resumes; one-shot: deleted); a failed
/// one-shot tick is retried with backoff. A crash loses only leases: the ticks fire again when their lease ends.
/// </summary>
internal sealed partial class ReminderService : IAsyncDisposable
{
    private readonly IReminderTable _table;
    private readonly SiloRuntime _runtime;
    private readonly ReminderOptions _options;
    private readonly IReminderBucketOwnership _ownership;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<(GrainId, string), ScheduledTick> _scheduled = new();
    private readonly SemaphoreSlim _deliverySlots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _wakeLock = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _pollLoop;
    private int _inFlight;

    public ReminderService(IReminderTable table, SiloRuntime runtime, IOptions<ReminderOptions> options, IReminderBucketOwnership? ownership = null)
    {
        _table = table;
        _runtime = runtime;
        _options = options.Value;
        _ownership = ownership ?? new AllBucketsOwnership();
        _log = runtime.Log;
        _deliverySlots = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
    }

    public IReminderTable Table => _table;

    private TimeSpan LookAhead => _options.PollInterval * 2;

    private TimeProvider Time => _runtime.Time;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _table.InitializeAsync(cancellationToken);
        _pollLoop = Task.Run(PollLoopAsync, CancellationToken.None);
    }

    /// <summary>Stops polling, gives the claims of ticks not yet fired back to the table, and waits for ticks being delivered.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        Wake();
        if (_pollLoop is not null)
        {
            await _pollLoop;
        }

        foreach (var key in _scheduled.Keys)
        {
            if (_scheduled.TryRemove(key, out var tick))
            {
                tick.Timer.Dispose();
                await ReleaseAsync(tick.Entry);
            }
        }

        // Shutdown waits in real time whatever clock the silo runs on: it bounds how long a process takes to exit.
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (Volatile.Read(ref _inFlight) > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }

    /// <summary>Stops polling and drops local schedules without touching the table, as a crash would (tests).</summary>
    public async Task AbandonAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        _stopping.Cancel();
        Wake();
        foreach (var tick in _scheduled.Values)
        {
            tick.Timer.Dispose();
        }
        _scheduled.Clear();
        if (_pollLoop is not null)
        {
            await _pollLoop;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_runtime.Options.ShutdownTimeout);
        _stopping.Dispose();
        _deliverySlots.Dispose();
    }

    public async Task<IGrainReminder> RegisterAsync(GrainId grainId, GrainClassInfo grainClass, string name, TimeSpan dueTime, TimeSpan? period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!grainClass.IsRemindable)
        {
            throw new InvalidOperationException($"{grainClass.ClassType.Name} registers reminder '{name}' but does not implement IRemindable, so its ticks could not be delivered.");
        }
        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A reminder's due time must be zero or positive.");
        }
        if (period is { } p && p < _options.MinimumPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), p, $"A reminder's period must be at least {_options.MinimumPeriod} (Granary:Reminders:MinimumPeriod).");
        }

        Unschedule(grainId, name);
        var entry = await _table.UpsertAsync(new ReminderEntry
        {
            GrainId = grainId,
            Name = name,
            Bucket = BucketOf(grainId),
            DueTime = Time.GetUtcNow() + dueTime,
            Period = period,
        }, CancellationToken.None);
        if (dueTime <= LookAhead)
        {
            Wake();
        }
        return ReminderHandle.From(entry);
    }

    public async Task UnregisterAsync(GrainId grainId, string name)
    {
        Unschedule(grainId, name);
        await _table.RemoveAsync(grainId, name, CancellationToken.None);
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string name) =>
        await _table.ReadAsync(grainId, name, CancellationToken.None) is { } entry ? ReminderHandle.From(entry) : null;

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grainId) =>
        (await _table.ReadGrainAsync(grainId, CancellationToken.None)).Select(e => (IGrainReminder)ReminderHandle.From(e)).ToList();

    public int BucketOf(GrainId grainId) => (int)(grainId.Hash % (ulong)_options.BucketCount);

    /// <summary>
    /// The buckets this silo owns changed (a new cluster view): ticks claimed for buckets now owned by another silo go
    /// back to the table at their due time, so the new owner fires them without waiting for the lease; then poll.
    /// </summary>
    public void OwnershipChanged()
    {
        var owned = _ownership.OwnedBuckets(_options.BucketCount).ToHashSet();
        foreach (var (key, tick) in _scheduled)
        {
            if (!owned.Contains(tick.Entry.Bucket) && _scheduled.TryRemove(new KeyValuePair<(GrainId, string), ScheduledTick>(key, tick)))
            {
                tick.Timer.Dispose();
                _ = ReleaseAsync(tick.Entry);
            }
        }
        Wake();
    }

    /// <summary>Makes the poll loop run now instead of at its next interval.</summary>
    private void Wake()
    {
        lock (_wakeLock)
        {
            _wake.TrySetResult();
        }
    }

    private async Task PollLoopAsync()
    {
        var failures = 0;
        var polls = 0;
        while (!_stopping.IsCancellationRequested)
        {
            Task wake;
            lock (_wakeLock)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                wake = _wake.Task;
            }

            var delay = _options.PollInterval;
            try
            {
                await PollOnceAsync();
                if (polls++ % 30 == 0)
                {
                    _runtime.Statistics.RemindersRegistered(await _table.CountAsync(_stopping.Token));
                }
                failures = 0;
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                failures++;
                delay = TimeSpan.FromMilliseconds(Math.Min(30_000, _options.PollInterval.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 10))));
                _log.ReminderPollFailed(ex, delay);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.WhenAny(wake, Task.Delay(delay, Time, _stopping.Token));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task PollOnceAsync()
    {
        var buckets = _ownership.OwnedBuckets(_options.BucketCount);
        if (buckets.Count == 0)
        {
            return;
        }
        while (!_stopping.IsCancellationRequested)
        {
            var now = Time.GetUtcNow();
            var claimed = await _table.ClaimDueAsync(buckets, now + LookAhead, now + LookAhead + _options.LeaseDuration, _options.ClaimBatchSize, _stopping.Token);
            foreach (var entry in claimed)
            {
                Schedule(entry);
            }
            if (claimed.Count < _options.ClaimBatchSize)
            {
                return;
            }
        }
    }
}
