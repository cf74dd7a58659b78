using Granary.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Tests.Runtime;

public sealed class StatelessWorkerTests
{
    [Fact]
    public async Task BusyStatelessWorker_ScalesUpToItsLimit_AndNoFurther()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        var gate = cluster.ServicesOf(cluster.Primary).GetRequiredService<WorkerGate>();
        var worker = cluster.GrainFactory.GetGrain<IWorkerGrain>(0);

        var calls = Enumerable.Range(0, 12).Select(_ => worker.Work()).ToList();
        await WaitUntil(() => gate.Waiting == 4, "four workers blocked on the gate");
        Assert.Equal(4, gate.Waiting);

        gate.Open();
        var workers = (await Task.WhenAll(calls)).Distinct().Count();

        Assert.Equal(4, workers);
    }

    [Fact]
    public async Task IdleStatelessWorker_IsReused()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        cluster.ServicesOf(cluster.Primary).GetRequiredService<WorkerGate>().Open();
        var worker = cluster.GrainFactory.GetGrain<IWorkerGrain>(1);

        var ids = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await worker.Work());
        }

        Assert.Single(ids.Distinct());
    }

    private static async Task WaitUntil(Func<bool> condition, string description)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited for {description}.");
            }
            await Task.Yield();
        }
    }
}
