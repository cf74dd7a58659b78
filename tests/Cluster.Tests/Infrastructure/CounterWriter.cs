using System.Diagnostics;
using Granary.Cluster.Tests.Grains;

namespace Granary.Cluster.Tests.Infrastructure;

/// <summary>One Increment call: which key, when it started and ended (Stopwatch timestamps; the end also in UTC, to match silo logs), and how it ended.</summary>
internal readonly record struct CallOutcome(int Key, long Started, long Ended, DateTime EndedUtc, string? Error)
{
    public bool Succeeded => Error is null;

    public override string ToString() => $"{EndedUtc:HH:mm:ss.fff}Z {(Error ?? "ok")}";
}

/// <summary>
/// A steady write load: several loops increment counters round robin, each loop owning its own keys so a key never
/// has two calls in flight and its accounting is exact. Every call's outcome is recorded. A failed call is "in
/// doubt": it may or may not have been written, so a key's stored count must lie between its acknowledged
/// increments and its acknowledged plus failed ones.
/// </summary>
internal sealed class CounterWriter
{
    /// <summary>Pause after a failed call before the loop moves on, so a dead owner doesn't turn the writer into a busy loop.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    private readonly IGrainFactory _grains;
    private readonly int _loops;
    private readonly TimeSpan _pace;
    private readonly List<CallOutcome>[] _outcomes;
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public CounterWriter(IGrainFactory grains, IReadOnlyList<string> keys, int loops, TimeSpan pace)
    {
        _grains = grains;
        Keys = keys;
        _loops = loops;
        _pace = pace;
        _outcomes = Enumerable.Range(0, loops).Select(_ => new List<CallOutcome>()).ToArray();
    }

    public IReadOnlyList<string> Keys { get; }

    public void Start() => _running = Task.WhenAll(Enumerable.Range(0, _loops).Select(loop => Task.Run(() => RunLoopAsync(loop))));

    /// <summary>Stops the loops after their current call and returns every call's outcome.</summary>
    public async Task<IReadOnlyList<CallOutcome>> StopAsync()
    {
        _stop.Cancel();
        try
        {
            // A grain call ends within the silo's response timeout (30 s), so the loops end by then.
            await (_running ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(45));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("The writer's loops did not finish their last call within 45 s of being stopped.");
        }
        return _outcomes.SelectMany(o => o).OrderBy(o => o.Started).ToList();
    }

    /// <summary>Waits until at least <paramref name="count"/> calls succeeded in total since <paramref name="since"/> (a Stopwatch timestamp).</summary>
    public async Task WaitForSuccessesAsync(int count, long since, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Successes(since) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The writer acknowledged only {Successes(since)} of {count} increments within {timeout}; last errors: {string.Join(" | ", LastErrors(3))}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until each of <paramref name="keys"/> has an acknowledged increment that started at or after <paramref name="since"/>.</summary>
    public async Task WaitForEachToSucceedAsync(IReadOnlyCollection<int> keys, long since, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var waiting = keys.Except(SucceededKeys(since)).ToList();
            if (waiting.Count == 0)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{waiting.Count} of {keys.Count} counters had no acknowledged increment within {timeout}: {string.Join(", ", waiting.Take(10).Select(k => Keys[k]))}; last errors: {string.Join(" | ", LastErrors(3))}");
            }
            await Task.Delay(20);
        }
    }

    private HashSet<int> SucceededKeys(long since)
    {
        var keys = new HashSet<int>();
        foreach (var outcomes in _outcomes)
        {
            lock (outcomes)
            {
                keys.UnionWith(outcomes.Where(o => o.Succeeded && o.Started >= since).Select(o => o.Key));
            }
        }
        return keys;
    }

    private List<string> LastErrors(int count)
    {
        var errors = new List<CallOutcome>();
        foreach (var outcomes in _outcomes)
        {
            lock (outcomes)
            {
                errors.AddRange(outcomes.Where(o => !o.Succeeded).TakeLast(count));
            }
        }
        return errors.OrderByDescending(o => o.Ended).Take(count).Select(o => o.ToString()).ToList();
    }

    private int Successes(long since)
    {
        var total = 0;
        foreach (var outcomes in _outcomes)
        {
            lock (outcomes)
            {
                total += outcomes.Count(o => o.Succeeded && o.Started >= since);
            }
        }
        return total;
    }

    private async Task RunLoopAsync(int loop)
    {
        var mine = Enumerable.Range(0, Keys.Count).Where(k => k % _loops == loop).ToList();
        var outcomes = _outcomes[loop];
        for (var i = 0; !_stop.IsCancellationRequested; i = (i + 1) % mine.Count)
        {
            var key = mine[i];
            var started = Stopwatch.GetTimestamp();
            string? error = null;
            try
            {
                await _grains.GetGrain<ICounterGrain>(Keys[key]).Increment();
            }
            catch (Exception ex)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }
            lock (outcomes)
            {
                outcomes.Add(new CallOutcome(key, started, Stopwatch.GetTimestamp(), DateTime.UtcNow, error));
            }
            try
            {
                await Task.Delay(error is null ? _pace : RetryPause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
