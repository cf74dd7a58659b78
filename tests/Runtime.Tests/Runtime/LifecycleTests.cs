using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Runtime;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Grain_GetsConstructorInjection_AndOnActivateRunsBeforeTheFirstCall()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log);
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("injected");

        Assert.Equal("hello from the silo's services", await grain.InjectedGreeting());
        Assert.Equal(["activate injected"], log.Entries);
    }

    [Fact]
    public async Task DeactivateOnIdle_RunsOnDeactivate_AndTheNextCallGetsAFreshActivation()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log);
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("recycled");
        var first = await grain.ActivationId();

        await grain.Deactivate();
        await log.WaitForCountAsync("deactivate recycled ApplicationRequested", 1);
        var second = await grain.ActivationId();

        Assert.NotEqual(first, second);
        Assert.Equal(2, log.Count("activate recycled"));
    }

    [Fact]
    public async Task IdleActivation_IsCollectedAfterTheCollectionAge_NotBefore()
    {
        var log = new EventLog();
        var time = new ManualTimeProvider();
        await using var cluster = await ClusterFactory.StartAsync(log, o =>
        {
            o.TimeProvider = time;
            o.ConfigureSilo = s =>
            {
                s.CollectionAge = TimeSpan.FromMinutes(15);
                s.CollectionQuantum = TimeSpan.FromMinutes(1);
            };
        });
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("idle");
        var first = await grain.ActivationId();

        time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, log.Count("deactivate idle ActivationIdle"));

        time.Advance(TimeSpan.FromMinutes(2));
        await log.WaitForCountAsync("deactivate idle ActivationIdle", 1);
        Assert.NotEqual(first, await grain.ActivationId());
    }

    [Fact]
    public async Task CollectionAgeLimitAttribute_OverridesTheSiloDefault()
    {
        var log = new EventLog();
        var time = new ManualTimeProvider();
        await using var cluster = await ClusterFactory.StartAsync(log, o => o.TimeProvider = time);
        await cluster.GrainFactory.GetGrain<IShortLivedGrain>("short").ActivationId();
        await cluster.GrainFactory.GetGrain<ILifecycleGrain>("long").ActivationId();

        time.Advance(TimeSpan.FromMinutes(3));

        await log.WaitForCountAsync("deactivate short ActivationIdle", 1);
        Assert.Equal(0, log.Count("deactivate long ActivationIdle"));
    }

    [Fact]
    public async Task CallsKeepAnActivationAlive()
    {
        var log = new EventLog();
        var time = new ManualTimeProvider();
        await using var cluster = await ClusterFactory.StartAsync(log, o => o.TimeProvider = time);
        var grain = cluster.GrainFactory.GetGrain<IShortLivedGrain>("busy");
        var first = await grain.ActivationId();

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(first, await grain.ActivationId());
        }
        Assert.Equal(0, log.Count("deactivate busy ActivationIdle"));
    }

    [Fact]
    public async Task FailingOnActivate_FailsTheCallWithItsException_AndALaterCallTriesAgain()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var grain = cluster.GrainFactory.GetGrain<IFailingActivationGrain>("refuses");

        var first = await Assert.ThrowsAsync<GrainTestException>(() => grain.Hello());
        var second = await Assert.ThrowsAsync<GrainTestException>(() => grain.Hello());

        Assert.Equal("activation of refuses refused", first.Message);
        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public async Task StoppingTheSilo_DeactivatesEveryGrain()
    {
        var log = new EventLog();
        var cluster = await ClusterFactory.StartAsync(log);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => cluster.GrainFactory.GetGrain<ILifecycleGrain>($"g{i}").ActivationId()));

        await cluster.StopSiloAsync(cluster.Primary);

        Assert.Equal(20, log.Entries.Count(e => e.EndsWith(" ShuttingDown", StringComparison.Ordinal)));
        await cluster.DisposeAsync();
    }
}
