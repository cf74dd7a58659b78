using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Granary.Runtime.Cluster.Membership.Memory;

/// <summary>
/// A membership table in process memory, for in-process test clusters: one instance is shared by all their silos
/// (so disposing it does nothing; each silo ends its own change subscription). It behaves as the Redis table does:
/// times are kept to the millisecond, "server" time comes from the injected <see cref="TimeProvider"/>, the
/// I-am-alive time is kept apart from the row (Insert/Update ignore the entry's), and change notices are delivered
/// in version order on the thread pool, never inline under the lock. <see cref="Clear"/> simulates a store that
/// lost its data.
/// </summary>
internal sealed partial class MemoryMembershipTable : IMembershipTable
{
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, MembershipEntry> _rows = [];
    private readonly Dictionary<SiloAddress, DateTimeOffset> _alive = [];
    private readonly Queue<long> _notices = new();
    private Action<long>[] _handlers = [];
    private long _version;
    private bool _delivering;

    public MemoryMembershipTable(TimeProvider? timeProvider = null, ILogger<MemoryMembershipTable>? logger = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<MemoryMembershipTable>.Instance;
    }

    public string Kind => "memory";

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var entries = _rows.Values
                .Select(row => row with { IAmAliveTime = _alive.TryGetValue(row.Address, out var alive) ? alive : row.StartTime })
                .OrderBy(row => row.Address.ToString(), StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(new MembershipSnapshot(_version, entries));
        }
    }

    public Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        Task.FromResult(Write(entry, expectedVersion, update: false));

    public Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken) =>
        Task.FromResult(Write(entry, expectedVersion, update: true));

    public Task<bool> UpdateIAmAliveAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        lock (_lock)
        {
            if (!_rows.ContainsKey(silo))
            {
                return Task.FromResult(false);
            }
            _alive[silo] = Now();
            return Task.FromResult(true);
        }
    }

    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken) => Task.FromResult(Now());

    public Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = olderThan.ToUnixTimeMilliseconds();
        int removed;
        lock (_lock)
        {
            var defunct = _rows.Values
                .Where(row => row.Status == SiloStatus.Dead && LastSeen(row).ToUnixTimeMilliseconds() < cutoff)
                .Select(row => row.Address)
                .ToList();
            foreach (var address in defunct)
            {
                _rows.Remove(address);
                _alive.Remove(address);
            }
            removed = defunct.Count;
            if (removed > 0)
            {
                Bump();
            }
        }
        return Task.FromResult(removed);
    }

    public IDisposable SubscribeToChanges(Action<long> onChanged)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        lock (_lock)
        {
            _handlers = [.. _handlers, onChanged];
        }
        return new Subscription(() =>
        {
            lock (_lock)
            {
                var index = Array.IndexOf(_handlers, onChanged);
                if (index >= 0)
                {
                    _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
                }
            }
        });
    }

    public Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ProviderHealth("membership", Kind, true, "in process memory"));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Forgets every row and the version, as a Redis that lost its data (no notice is published).</summary>
    internal void Clear()
    {
        lock (_lock)
        {
            _rows.Clear();
            _alive.Clear();
            _version = 0;
        }
    }

    private bool Write(MembershipEntry entry, long expectedVersion, bool update)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Enum.IsDefined(entry.Status))
        {
            throw new ArgumentOutOfRangeException(nameof(entry), entry.Status, "The entry's status is not a SiloStatus value.");
        }
        lock (_lock)
        {
            if (_version != expectedVersion || _rows.ContainsKey(entry.Address) != update)
            {
                return false;
            }
            _rows[entry.Address] = Stored(entry);
            if (!update)
            {
                _alive.Remove(entry.Address);
            }
            Bump();
            return true;
        }
    }

    // Called under the lock: the notice joins the queue in version order; one pump at a time delivers it.
    private void Bump()
    {
        _version++;
        _notices.Enqueue(_version);
        if (!_delivering)
        {
            _delivering = true;
            ThreadPool.UnsafeQueueUserWorkItem(static table => table.Deliver(), this, preferLocal: false);
        }
    }

    private void Deliver()
    {
        while (true)
        {
            long version;
            Action<long>[] handlers;
            lock (_lock)
            {
                if (!_notices.TryDequeue(out version))
                {
                    _delivering = false;
                    return;
                }
                handlers = _handlers;
            }
            foreach (var handler in handlers)
            {
                try
                {
                    handler(version);
                }
                catch (Exception ex)
                {
                    LogChangeHandlerFailed(ex, version);
                }
            }
        }
    }

    // The row as Redis would give it back: milliseconds, UTC, and the I-am-alive time left to the alive map.
    private static MembershipEntry Stored(MembershipEntry entry) => entry with
    {
        StartTime = Truncate(entry.StartTime),
        IAmAliveTime = default,
        Suspicions = entry.Suspicions.Select(s => s with { Time = Truncate(s.Time) }).ToList(),
    };

    private DateTimeOffset LastSeen(MembershipEntry row) =>
        _alive.TryGetValue(row.Address, out var alive) && alive > row.StartTime ? alive : row.StartTime;

    private DateTimeOffset Now() => Truncate(_timeProvider.GetUtcNow());

    private static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    [LoggerMessage(160, LogLevel.Warning, "A membership change handler threw on version {Version}; the other handlers still run")]
    private partial void LogChangeHandlerFailed(Exception exception, long version);

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}
