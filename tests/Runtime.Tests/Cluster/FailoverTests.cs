using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Runtime;

namespace Granary.Runtime.Tests.Cluster;

public sealed class FailoverTests
{
    [Fact]
    public async Task KilledSilo_IsDeclaredDead_AndItsGrainsComeBackOnTheSurvivorsWithTheirState()
    {
        var log = new EventLog();
        await using var cluster = await ClusterFactory.StartAsync(log, o => o.SiloCount = 3);
        var keys = Enumerable.Range(0, 30).Select(i => $"failover-{i}").ToList();
        foreach (var key in keys)
        {
            await cluster.GrainFactory.GetGrain<ICounterGrain>(key).Increment();
        }
        var victim = cluster.Silos[2];
        Assert.True(victim.ActivationCount > 0, "the victim hosts some of the counters");
        var killedAt = DateTime.UtcNow;

        await cluster.KillSiloAsync(victim);
        await cluster.WaitForStableViewAsync(TimeSpan.FromSeconds(15));
        var detected = DateTime.UtcNow - killedAt;

        Assert.True(detected < TimeSpan.FromSeconds(5), $"detected after {detected}");
        var row = (await cluster.MemoryMembership.ReadAllAsync(CancellationToken.None)).Find(victim.Address);
        Assert.Equal(SiloStatus.Dead, row!.Status);
        foreach (var key in keys)
        {
            Assert.Equal(2, await cluster.GrainFactory.GetGrain<ICounterGrain>(key).Increment());
        }
    }

    [Fact]
    public async Task GracefullyStoppedSilo_LeavesWithoutFailingCalls()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(), o => o.SiloCount = 3);
        using var stop = new CancellationTokenSource();
        var acknowledged = new int[20];
        var failures = new List<Exception>();
        var writer = Task.Run(async () =>
        {
            var factory = cluster.Silos[0].GrainFactory;
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < acknowledged.Length; i++)
                {
                    try
                    {
                        await factory.GetGrain<ICounterGrain>($"graceful-{i}").Increment();
                        acknowledged[i]++;
                    }
                    catch (Exception ex)
                    {
                        lock (failures)
                        {
                            failures.Add(ex);
                        }
                    }
                }
            }
        });

        await Task.Delay(300);
        await cluster.StopSiloAsync(cluster.Silos[2]);
        await cluster.StartAdditionalSiloAsync();
        await cluster.StopSiloAsync(cluster.Silos[1]);
        await Task.Delay(300);
        stop.Cancel();
        await writer;

        Assert.Empty(failures);
        for (var i = 0; i < acknowledged.Length; i++)
        {
            Assert.Equal(acknowledged[i], await cluster.GrainFactory.GetGrain<ICounterGrain>($"graceful-{i}").Get());
        }
    }
}
