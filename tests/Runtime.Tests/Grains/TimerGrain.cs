namespace Granary.Runtime.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(TimeSpan period);

    Task<int> Ticks();

    /// <summary>Whether a tick ever ran while a request of this (non-reentrant) grain was running.</summary>
    Task<bool> TickOverlappedRequest();

    /// <summary>A request that stays inside the grain for <paramref name="delay"/>.</summary>
    Task Busy(TimeSpan delay);

    Task Deactivate();
}

public sealed class TimerGrain(EventLog log) : Grain, ITimerGrain
{
    private int _ticks;
    private bool _inRequest;
    private bool _overlap;

    public Task Start(TimeSpan period)
    {
        RegisterGrainTimer(async token =>
        {
            _overlap |= _inRequest;
            if (_ticks++ == 0)
            {
                token.Register(() => log.Add($"timer stopped {GetPrimaryKeyString()}"));
            }
            log.Add($"tick {GetPrimaryKeyString()}");
            await Task.Yield();
        }, period, period);
        return Task.CompletedTask;
    }

    public Task<int> Ticks() => Task.FromResult(_ticks);

    public Task<bool> TickOverlappedRequest() => Task.FromResult(_overlap);

    public async Task Busy(TimeSpan delay)
    {
        _inRequest = true;
        await Task.Delay(delay);
        _inRequest = false;
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Add($"timer deactivated {GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }
}
