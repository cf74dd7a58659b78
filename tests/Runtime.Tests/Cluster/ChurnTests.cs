using Granary.Runtime.Tests.Grains;
using Granary.Runtime.Tests.Runtime;

namespace Granary.Runtime.Tests.Cluster;

public sealed class ChurnTests
{
    [Fact]
    public async Task NoAcknowledgedUpdateIsLost_WhileSilosJoinLeaveAndCrashUnderWriteLoad()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog(), o => o.SiloCount = 3);
        const int keys = 24;
        var acknowledged = new int[keys];
        var inDoubt = new int[keys];
        using var stop = new CancellationTokenSource();
        var factory = cluster.Silos[0].GrainFactory;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var k = w; k < keys; k += 4)
                {
                    try
                    {
                        await factory.GetGrain<ICounterGrain>($"churn-{k}").Increment();
                        Interlocked.Increment(ref acknowledged[k]);
                    }
                    catch (Exception)
                    {
                        // The call may or may not have been applied: a crash in flight, or a stale activation's write refused.
                        Interlocked.Increment(ref inDoubt[k]);
                    }
                }
            }
        })).ToList();

        await WaitForWritesAsync(acknowledged, 200);
        await cluster.KillSiloAsync(cluster.Silos[2]);
        await cluster.WaitForStableViewAsync(TimeSpan.FromSeconds(15));
        await WaitForWritesAsync(acknowledged, 400);
        await cluster.StartAdditionalSiloAsync();
        await WaitForWritesAsync(acknowledged, 600);
        await cluster.StopSiloAsync(cluster.Silos[1]);
        await WaitForWritesAsync(acknowledged, 800);
        stop.Cancel();
        await Task.WhenAll(writers);

        for (var k = 0; k < keys; k++)
        {
            var stored = await factory.GetGrain<ICounterGrain>($"churn-{k}").Get();
            Assert.InRange(stored, acknowledged[k], acknowledged[k] + inDoubt[k]);
        }
    }

    private static async Task WaitForWritesAsync(int[] acknowledged, int total)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (acknowledged.Sum() < total)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited for {total} acknowledged writes; got {acknowledged.Sum()}.");
            }
            await Task.Delay(20);
        }
    }
}
