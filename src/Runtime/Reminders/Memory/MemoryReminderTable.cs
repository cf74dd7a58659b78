namespace Granary.Runtime.Reminders.Memory;

/// <summary>
/// A reminder table held in process memory, for tests and single-silo development. One lock guards every
/// row, which makes each operation atomic exactly as the durable tables are.
/// </summary>
internal sealed class MemoryReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId GrainId, string Name), ReminderEntry> _rows = [];

    public string Kind => "memory";

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            var version = _rows.TryGetValue((entry.GrainId, entry.Name), out var old) ? old.Version + 1 : 1;
            var stored = entry with { DueTime = Truncate(entry.DueTime), Period = Truncate(entry.Period), Attempt = 0, Version = version };
            _rows[(entry.GrainId, entry.Name)] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.Remove((grainId, name)));
        }
    }

    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.GetValueOrDefault((grainId, name)));
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ReminderEntry> rows = _rows.Values
                .Where(r => r.GrainId == grainId)
                .OrderBy(r => r.Name, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(rows);
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(IReadOnlyList<int> buckets, DateTimeOffset dueBefore, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var wanted = buckets.ToHashSet();
        lock (_lock)
        {
            var due = _rows.Values
                .Where(r => wanted.Contains(r.Bucket) && r.DueTime <= dueBefore)
                .OrderBy(r => r.DueTime)
                .ThenBy(r => r.GrainId.ToString(), StringComparer.Ordinal)
                .ThenBy(r => r.Name, StringComparer.Ordinal)
                .Take(Math.Max(max, 0))
                .ToList();
            var claimed = new List<ReminderEntry>(due.Count);
            foreach (var row in due)
            {
                var leased = row with { DueTime = Truncate(leaseUntil), Version = row.Version + 1 };
                _rows[(row.GrainId, row.Name)] = leased;
                claimed.Add(leased with { DueTime = row.DueTime });
            }
            return Task.FromResult<IReadOnlyList<ReminderEntry>>(claimed);
        }
    }

    public Task<bool> CompleteAsync(ReminderEntry claimed, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        lock (_lock)
        {
            var key = (claimed.GrainId, claimed.Name);
            if (!_rows.TryGetValue(key, out var row) || row.Version != claimed.Version)
            {
                return Task.FromResult(false);
            }
            if (nextDue is { } due)
            {
                _rows[key] = row with { DueTime = Truncate(due), Attempt = 0, Version = row.Version + 1 };
            }
            else
            {
                _rows.Remove(key);
            }
            return Task.FromResult(true);
        }
    }

    public Task<bool> RetryAsync(ReminderEntry claimed, DateTimeOffset nextDue, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        lock (_lock)
        {
            var key = (claimed.GrainId, claimed.Name);
            if (!_rows.TryGetValue(key, out var row) || row.Version != claimed.Version)
            {
                return Task.FromResult(false);
            }
            _rows[key] = row with { DueTime = Truncate(nextDue), Attempt = attempt, Version = row.Version + 1 };
            return Task.FromResult(true);
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_rows.Count);
        }
    }

    public Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new ProviderHealth("reminders", Kind, true, "in process"));

    // The durable tables keep unix milliseconds in UTC; doing the same here keeps the providers interchangeable in tests.
    private static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static TimeSpan? Truncate(TimeSpan? period) => period is { } p ? TimeSpan.FromMilliseconds((long)p.TotalMilliseconds) : null;
}
