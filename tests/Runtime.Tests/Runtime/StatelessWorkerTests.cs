using System.Collections.Concurrent;
using System.Reflection;
using Granary.Runtime.Activations;
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

    [Fact]
    public async Task APoolThatClosedButIsStillInTheCatalog_IsReplaced_SoCallsGoThrough()
    {
        await using var cluster = await ClusterFactory.StartAsync(new EventLog());
        cluster.ServicesOf(cluster.Primary).GetRequiredService<WorkerGate>().Open();
        var runtime = cluster.Primary.Runtime;
        var info = runtime.Types.ForTypeName("worker")!;
        var id = new GrainId("worker", "3");
        var pool = runtime.Catalog.GetOrCreate(id, info);
        await pool.DeactivateAsync(new DeactivationReason(DeactivationReasonCode.ActivationIdle, "test"));

        // A pool closes when its last worker leaves and removes itself from the catalog just after; a call arriving
        // in between (under load the closing thread can be preempted right there) found it closed every time it
        // looked, and failed with "kept deactivating". Put the closed pool back to hold that moment still.
        var targets = (ConcurrentDictionary<GrainId, IRequestTarget>)typeof(Catalog)
            .GetField("_targets", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(runtime.Catalog)!;
        targets[id] = pool;
        Assert.True(pool.IsGone);

        await cluster.GrainFactory.GetGrain<IWorkerGrain>(3).Work();

        Assert.True(runtime.Catalog.TryGet(id, out var replacement));
        Assert.NotSame(pool, replacement);
        Assert.False(replacement.IsGone);
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
