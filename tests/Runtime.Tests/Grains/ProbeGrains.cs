namespace Granary.Runtime.Tests.Grains;

/// <summary>Records how many requests (and how many threads) are inside one activation at once.</summary>
public interface ITurnProbeGrain : IGrainWithStringKey
{
    /// <summary>Enters, spins a little on the CPU, awaits <paramref name="delay"/>, spins again, leaves.</summary>
    Task Enter(TimeSpan delay);

    /// <summary>The most requests that were between Enter and leave at the same time.</summary>
    Task<int> MaxRequestsInside();

    /// <summary>The most threads that ran grain code of this activation at the same instant.</summary>
    Task<int> MaxThreadsInside();
}

/// <summary>The same probe on a [Reentrant] class.</summary>
public interface IReentrantProbeGrain : ITurnProbeGrain
{
}

/// <summary>Non-reentrant probe.</summary>
public sealed class TurnProbeGrain : Grain, ITurnProbeGrain
{
    private readonly ConcurrencyProbe _probe = new();

    public Task Enter(TimeSpan delay) => _probe.EnterAsync(delay);

    public Task<int> MaxRequestsInside() => Task.FromResult(_probe.MaxRequests);

    public Task<int> MaxThreadsInside() => Task.FromResult(_probe.MaxThreads);
}

/// <summary>Reentrant probe: requests interleave at awaits, but code still runs on one thread at a time.</summary>
[Reentrant]
public sealed class ReentrantProbeGrain : Grain, IReentrantProbeGrain
{
    private readonly ConcurrencyProbe _probe = new();

    public Task Enter(TimeSpan delay) => _probe.EnterAsync(delay);

    public Task<int> MaxRequestsInside() => Task.FromResult(_probe.MaxRequests);

    public Task<int> MaxThreadsInside() => Task.FromResult(_probe.MaxThreads);
}

/// <summary>Counts overlapping requests and overlapping threads; the spin widens the window a race would need.</summary>
public sealed class ConcurrencyProbe
{
    private int _requests;
    private int _threads;

    public int MaxRequests { get; private set; }

    public int MaxThreads { get; private set; }

    public async Task EnterAsync(TimeSpan delay)
    {
        var requests = Interlocked.Increment(ref _requests);
        MaxRequests = Math.Max(MaxRequests, requests);
        Spin();
        await Task.Delay(delay);
        Spin();
        Interlocked.Decrement(ref _requests);
    }

    private void Spin()
    {
        var threads = Interlocked.Increment(ref _threads);
        if (threads > MaxThreads)
        {
            MaxThreads = threads;
        }
        Thread.SpinWait(20_000);
        Interlocked.Decrement(ref _threads);
    }
}
