using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Runtime;

public sealed class TurnExecutionTests
{
    [Fact]
    public async Task NonReentrantGrain_RunsOneRequestAtATime_AwaitsIncluded()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var probe = cluster.GrainFactory.GetGrain<ITurnProbeGrain>("one-at-a-time");

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => probe.Enter(TimeSpan.FromMilliseconds(2))));

        Assert.Equal(1, await probe.MaxRequestsInside());
        Assert.Equal(1, await probe.MaxThreadsInside());
    }

    [Fact]
    public async Task ReentrantGrain_InterleavesRequestsAtAwaits_ButNeverRunsOnTwoThreads()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var probe = cluster.GrainFactory.GetGrain<IReentrantProbeGrain>("interleaving");

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => probe.Enter(TimeSpan.FromMilliseconds(20))));

        Assert.True(await probe.MaxRequestsInside() > 1, "requests of a [Reentrant] grain should interleave at their awaits");
        Assert.Equal(1, await probe.MaxThreadsInside());
    }

    [Fact]
    public async Task ManyGrains_RunInParallel_EachStillOneThreadAtATime()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var probes = Enumerable.Range(0, 16).Select(i => cluster.GrainFactory.GetGrain<IReentrantProbeGrain>($"parallel-{i}")).ToList();

        await Task.WhenAll(probes.SelectMany(p => Enumerable.Range(0, 10).Select(_ => p.Enter(TimeSpan.FromMilliseconds(1)))));

        foreach (var probe in probes)
        {
            Assert.Equal(1, await probe.MaxThreadsInside());
        }
    }

    [Fact]
    public async Task CallCycleThroughNonReentrantGrains_FailsAtOnceWithDeadlockException()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(), o => o.ConfigureSilo = s => s.ResponseTimeout = TimeSpan.FromSeconds(20));
        var a = cluster.GrainFactory.GetGrain<ICallerGrain>("cycle-a");
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<DeadlockException>(() => a.StartCycle("cycle-b"));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the cycle must fail fast, not at the deadline");
        Assert.Contains("callergrain/cycle-a", error.Message.Replace("caller/", "callergrain/", StringComparison.Ordinal));
        Assert.Contains("[Reentrant]", error.Message);
        Assert.Equal("pong from cycle-a", await a.Ping());
    }

    [Fact]
    public async Task CallCycle_ToAnAlwaysInterleaveMethod_Completes()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var a = cluster.GrainFactory.GetGrain<ICallerGrain>("interleave-a");

        Assert.Equal("interleaved pong from interleave-a", await a.StartInterleavingCycle("interleave-b"));
    }

    [Fact]
    public async Task CallBackFromACallThatWasNotAwaited_IsNoCycle_AndWaitsItsTurn()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log);
        var a = cluster.GrainFactory.GetGrain<ICallerGrain>("forgetful-a");

        await a.FireAndForgetCallBack("forgetful-b", TimeSpan.FromMilliseconds(100));
        // A is busy with another request when B calls back: B waits for its turn instead of failing as a cycle.
        Assert.Equal("waited", await a.Wait(TimeSpan.FromMilliseconds(400), CancellationToken.None));

        await log.WaitUntilAsync(e => e.Any(x => x.StartsWith("callback", StringComparison.Ordinal)), "B's call back to A");
        Assert.Equal(["callback pong from forgetful-a"], log.Entries);
    }

    [Fact]
    public async Task CallPastItsDeadline_FailsWithTimeout_AndCancelsTheGrainsToken()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(), o => o.ConfigureSilo = s =>
        {
            s.ResponseTimeout = TimeSpan.FromMilliseconds(300);
            s.DeadlineCheckInterval = TimeSpan.FromMilliseconds(50);
        });
        var grain = cluster.GrainFactory.GetGrain<ICallerGrain>("slow");

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.Wait(TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Contains("Wait", error.Message);
        Assert.True(await grain.LastWaitWasCancelled(), "the grain method's CancellationToken should fire at the deadline");
    }

    [Fact]
    public async Task CallerCancellation_ReachesTheGrainMethod()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var grain = cluster.GrainFactory.GetGrain<ICallerGrain>("cancelled-by-caller");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.Equal("cancelled", await grain.Wait(TimeSpan.FromSeconds(30), cancel.Token));
    }

    [Fact]
    public async Task ExceptionThrownByGrain_ReachesCallerWithTypeAndMessage()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var grain = cluster.GrainFactory.GetGrain<ICallerGrain>("thrower");

        var error = await Assert.ThrowsAsync<GrainTestException>(() => grain.Throw("the order was already shipped"));

        Assert.Equal("the order was already shipped", error.Message);
        Assert.Equal("pong from thrower", await grain.Ping());
    }
}
