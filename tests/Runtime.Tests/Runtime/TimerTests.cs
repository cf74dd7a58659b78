using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Runtime;

public sealed class TimerTests
{
    [Fact]
    public async Task GrainTimer_TicksEveryPeriod()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("ticking");

        await grain.Start(TimeSpan.FromMilliseconds(30));

        await log.WaitForCountAsync("tick ticking", 3);
        Assert.True(await grain.Ticks() >= 3);
    }

    [Fact]
    public async Task GrainTimerTicks_NeverRunInsideARequestOfANonReentrantGrain()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("no-overlap");
        await grain.Start(TimeSpan.FromMilliseconds(5));

        for (var i = 0; i < 5; i++)
        {
            await Task.WhenAll(grain.Busy(TimeSpan.FromMilliseconds(30)), grain.Busy(TimeSpan.FromMilliseconds(30)));
        }
        await log.WaitForCountAsync("tick no-overlap", 3);

        Assert.False(await grain.TickOverlappedRequest());
    }

    [Fact]
    public async Task GrainTimer_StopsWhenTheActivationDeactivates()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("stopping");
        await grain.Start(TimeSpan.FromMilliseconds(20));
        await log.WaitForCountAsync("tick stopping", 1);

        await grain.Deactivate();

        await log.WaitForCountAsync("timer stopped stopping", 1);
        await log.WaitForCountAsync("timer deactivated stopping", 1);
        var ticks = log.Count("tick stopping");
        await grain.Ticks();
        Assert.Equal(ticks, log.Count("tick stopping"));
    }
}
