using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Runtime;

namespace Granary.Runtime.Tests.Cluster;

public sealed class ClusterCallTests
{
    private static Task<TestCluster> StartAsync(EventLog log, int silos = 3, Action<TestClusterOptions>? configure = null) =>
        ClusterFactory.StartAsync(log, o =>
        {
            o.SiloCount = silos;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task Grains_AreSpreadOverTheSilos_AndReachableFromEverySilo()
    {
        await using var cluster = await StartAsync(new EventLog());

        foreach (var silo in cluster.Silos)
        {
            for (var i = 0; i < 60; i++)
            {
                Assert.Equal($"pong from spread-{i}", await silo.GrainFactory.GetGrain<ICallerGrain>($"spread-{i}").Ping());
            }
        }

        var counts = cluster.Silos.Select(s => s.ActivationCount).ToList();
        Assert.Equal(60, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 5, 40));
    }

    [Fact]
    public async Task CallsBetweenGrainsOnDifferentSilos_CarryContextExceptionsAndResults()
    {
        await using var cluster = await StartAsync(new EventLog());
        var factory = cluster.Silos[1].GrainFactory;
        RequestContext.Set("tenant", "acme");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(["acme", "acme"], await factory.GetGrain<ICallerGrain>($"ctx-a-{i}").ReadContext("tenant", $"ctx-b-{i}"));
        }
        var error = await Assert.ThrowsAsync<GrainTestException>(() => factory.GetGrain<ICallerGrain>("remote-thrower").Throw("refused remotely"));
        RequestContext.Clear();

        Assert.Equal("refused remotely", error.Message);
        Assert.Equal(-7L, await factory.GetGrain<IIntegerKeyGrain>(-7).Key());
    }

    [Fact]
    public async Task CallCycleAcrossSilos_FailsFastWithDeadlockException()
    {
        await using var cluster = await StartAsync(new EventLog());
        var started = DateTime.UtcNow;

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<DeadlockException>(() => cluster.GrainFactory.GetGrain<ICallerGrain>($"cycle-a-{i}").StartCycle($"cycle-b-{i}"));
        }

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task PersistentState_IsShared_AndEachGrainHasOneActivationInTheCluster()
    {
        var log = new EventLog();
        await using var cluster = await StartAsync(log);

        var tasks = new List<Task<int>>();
        foreach (var silo in cluster.Silos)
        {
            for (var i = 0; i < 10; i++)
            {
                tasks.Add(silo.GrainFactory.GetGrain<ICounterGrain>("shared-counter").Increment());
            }
        }
        await Task.WhenAll(tasks);

        Assert.Equal(30, await cluster.Silos[2].GrainFactory.GetGrain<ICounterGrain>("shared-counter").Get());
        Assert.Equal(1, log.Count("counter activate shared-counter at 0"));
    }
}
