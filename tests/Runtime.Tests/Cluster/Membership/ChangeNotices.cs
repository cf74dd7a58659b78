using Granary.Runtime.Cluster.Membership;

namespace Granary.Runtime.Tests.Cluster.Membership;

/// <summary>Records the change notices one table delivers, and lets a test wait for a version with a deadline.</summary>
internal sealed class ChangeNotices : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Lock _lock = new();
    private readonly List<long> _versions = [];
    private readonly List<(long Version, TaskCompletionSource Arrived)> _waiters = [];
    private readonly IDisposable _subscription;

    public ChangeNotices(IMembershipTable table) => _subscription = table.SubscribeToChanges(OnChanged);

    /// <summary>The versions received so far, in arrival order.</summary>
    public IReadOnlyList<long> Versions
    {
        get
        {
            lock (_lock)
            {
                return [.. _versions];
            }
        }
    }

    /// <summary>Completes when a notice with <paramref name="version"/> has arrived; fails naming what did arrive.</summary>
    public async Task WaitForAsync(long version, TimeSpan? timeout = null)
    {
        TaskCompletionSource arrived;
        lock (_lock)
        {
            if (_versions.Contains(version))
            {
                return;
            }
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((version, arrived));
        }
        var limit = timeout ?? DefaultTimeout;
        try
        {
            await arrived.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No change notice with version {version} arrived within {limit}; received [{string.Join(", ", Versions)}].");
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void OnChanged(long version)
    {
        lock (_lock)
        {
            _versions.Add(version);
            foreach (var waiter in _waiters.Where(w => w.Version == version).ToList())
            {
                waiter.Arrived.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
