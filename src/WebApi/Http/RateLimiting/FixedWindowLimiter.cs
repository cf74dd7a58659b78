using System.Collections.Concurrent;

namespace Granary.WebApi.Http.RateLimiting;

/// <summary>
/// At most <c>permits</c> requests per partition in each window; a partition's window starts with its first request
/// after the previous window ended. One small lock per partition (only requests of the same caller meet there),
/// no allocation for a partition seen before. Partitions idle for a whole window are dropped, at most once a window,
/// by whichever request notices it is time.
/// </summary>
internal sealed class FixedWindowLimiter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly int _permits;
    private readonly long _windowTicks;
    private readonly TimeProvider _time;
    private long _nextSweep;

    public FixedWindowLimiter(int permits, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permits);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _permits = permits;
        _time = time;
        _windowTicks = (long)(window.TotalSeconds * time.TimestampFrequency);
        _nextSweep = time.GetTimestamp() + _windowTicks;
    }

    /// <summary>Partitions currently tracked.</summary>
    public int PartitionCount => _windows.Count;

    /// <summary>Takes a permit of <paramref name="partition"/>, or says how long until its window ends.</summary>
    public bool TryAcquire(string partition, out TimeSpan retryAfter)
    {
        var now = _time.GetTimestamp();
        SweepIfDue(now);
        var window = _windows.GetOrAdd(partition, static (_, start) => new Window(start), now);
        lock (window)
        {
            if (now - window.Start >= _windowTicks)
            {
                window.Start = now;
                window.Used = 0;
            }
            if (window.Used < _permits)
            {
                window.Used++;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = _time.GetElapsedTime(now, window.Start + _windowTicks);
            return false;
        }
    }

    private void SweepIfDue(long now)
    {
        var due = Volatile.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + _windowTicks, due) != due)
        {
            return;
        }
        foreach (var (partition, window) in _windows)
        {
            bool idle;
            lock (window)
            {
                idle = now - window.Start >= 2 * _windowTicks;
            }
            if (idle)
            {
                _windows.TryRemove(KeyValuePair.Create(partition, window));
            }
        }
    }

    private sealed class Window(long start)
    {
        public long Start = start;
        public int Used;
    }
}
