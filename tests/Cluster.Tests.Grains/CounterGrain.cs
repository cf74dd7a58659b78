using Granary.Runtime;
using Granary.Runtime.Hosting;
using Microsoft.Extensions.Options;

namespace Granary.Cluster.Tests.Grains;

/// <summary>A durable counter: an increment is acknowledged only once it is written.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    /// <summary>The name of the silo hosting this activation, so a test can tell which grains a silo owned.</summary>
    Task<string> SiloName();
}

/// <summary>The stored shape of a counter (JSON in granary_grain_state.payload).</summary>
public sealed record CounterState
{
    public int Count { get; init; }
}

[GrainType("clustertest-counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter, IOptions<SiloOptions> silo) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        counter.State = counter.State with { Count = counter.State.Count + 1 };
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task<string> SiloName() => Task.FromResult(silo.Value.SiloName);
}
