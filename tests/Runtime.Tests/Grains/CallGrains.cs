namespace Granary.Runtime.Tests.Grains;

/// <summary>Calls between grains: cycles, deadlines, exceptions, request context.</summary>
public interface ICallerGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="otherKey"/>.CallBack(own key): a cycle when the other calls back.</summary>
    Task<string> StartCycle(string otherKey);

    /// <summary>Calls <see cref="Ping"/> on <paramref name="originKey"/>.</summary>
    Task<string> CallBack(string originKey);

    Task<string> Ping();

    /// <summary>[AlwaysInterleave]: may run while a request of this grain is awaiting.</summary>
    [AlwaysInterleave]
    Task<string> InterleavingPing();

    /// <summary>Calls <paramref name="otherKey"/>.CallBackInterleaving(own key), which calls <see cref="InterleavingPing"/> on us.</summary>
    Task<string> StartInterleavingCycle(string otherKey);

    Task<string> CallBackInterleaving(string originKey);

    /// <summary>Waits for <paramref name="delay"/> or for the cancellation token; reports which.</summary>
    Task<string> Wait(TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Whether the last <see cref="Wait"/> saw its token cancelled.</summary>
    Task<bool> LastWaitWasCancelled();

    /// <summary>Throws <see cref="GrainTestException"/> with <paramref name="message"/>.</summary>
    Task Throw(string message);

    /// <summary>The request context value <paramref name="key"/> here, and in a callee two hops away.</summary>
    Task<IReadOnlyList<string?>> ReadContext(string key, string calleeKey);

    Task<string?> ReadContextHere(string key);

    /// <summary>Starts, without awaiting it, a call to <paramref name="otherKey"/> that calls back here after <paramref name="delay"/>.</summary>
    Task FireAndForgetCallBack(string otherKey, TimeSpan delay);

    /// <summary>Waits <paramref name="delay"/>, then pings <paramref name="originKey"/> and logs how that went.</summary>
    Task CallBackAfter(string originKey, TimeSpan delay);
}

/// <summary>An exception type only tests throw, to check that type and message reach the caller.</summary>
public sealed class GrainTestException(string message) : Exception(message);

public sealed class CallerGrain(EventLog log) : Grain, ICallerGrain
{
    private bool _lastWaitCancelled;

    public Task<string> StartCycle(string otherKey) =>
        GrainFactory.GetGrain<ICallerGrain>(otherKey).CallBack(GetPrimaryKeyString());

    public Task<string> CallBack(string originKey) =>
        GrainFactory.GetGrain<ICallerGrain>(originKey).Ping();

    public Task<string> Ping() => Task.FromResult($"pong from {GetPrimaryKeyString()}");

    public Task<string> InterleavingPing() => Task.FromResult($"interleaved pong from {GetPrimaryKeyString()}");

    public Task<string> StartInterleavingCycle(string otherKey) =>
        GrainFactory.GetGrain<ICallerGrain>(otherKey).CallBackInterleaving(GetPrimaryKeyString());

    public Task<string> CallBackInterleaving(string originKey) =>
        GrainFactory.GetGrain<ICallerGrain>(originKey).InterleavingPing();

    public async Task<string> Wait(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            _lastWaitCancelled = false;
            return "waited";
        }
        catch (OperationCanceledException)
        {
            _lastWaitCancelled = true;
            return "cancelled";
        }
    }

    public Task<bool> LastWaitWasCancelled() => Task.FromResult(_lastWaitCancelled);

    public Task Throw(string message) => throw new GrainTestException(message);

    public async Task<IReadOnlyList<string?>> ReadContext(string key, string calleeKey)
    {
        var here = RequestContext.Get(key);
        var callee = await GrainFactory.GetGrain<ICallerGrain>(calleeKey).ReadContextHere(key);
        return [here, callee];
    }

    public Task<string?> ReadContextHere(string key) => Task.FromResult(RequestContext.Get(key));

    public Task FireAndForgetCallBack(string otherKey, TimeSpan delay)
    {
        _ = GrainFactory.GetGrain<ICallerGrain>(otherKey).CallBackAfter(GetPrimaryKeyString(), delay);
        return Task.CompletedTask;
    }

    public async Task CallBackAfter(string originKey, TimeSpan delay)
    {
        await Task.Delay(delay);
        try
        {
            log.Add($"callback {await GrainFactory.GetGrain<ICallerGrain>(originKey).Ping()}");
        }
        catch (DeadlockException)
        {
            log.Add("callback deadlock");
        }
    }
}
