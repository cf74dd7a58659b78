using System.Collections.Concurrent;

namespace Granary.Runtime.Tests.Grains;

/// <summary>
/// A service grains write what happened to (activations, ticks, filter calls), and tests wait on: each wait ends when
/// the awaited events are there, or fails after a deadline with a message naming what was awaited.
/// </summary>
public sealed class EventLog
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(string entry)
    {
        _events.Enqueue(entry);
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    public IReadOnlyList<string> Entries => [.. _events];

    public int Count(string entry) => _events.Count(e => e == entry);

    public int CountStartingWith(string prefix) => _events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="condition"/> holds over the entries.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<string>, bool> condition, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }
            if (condition(Entries))
            {
                return;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Waited for {description}; the log has: [{string.Join(", ", Entries)}]");
            }
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    public Task WaitForCountAsync(string entry, int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(e => e.Count(x => x == entry) >= count, $"{count} × '{entry}'", timeout);
}
