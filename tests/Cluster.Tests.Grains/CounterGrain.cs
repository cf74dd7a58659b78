using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Placement;

namespace Granary.Cluster.Tests.Grains;

/// <summary>A durable counter: an increment is acknowledged only once it is written.</summary>
[Alias("clustertest.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    [Alias("Increment")]
    Task<int> Increment();

    /// <summary>The count this activation holds.</summary>
    [Alias("Get")]
    Task<int> Get();

    /// <summary>The name of the silo hosting this activation, so a test can tell which grains a silo owned.</summary>
    [Alias("SiloName")]
    Task<string> SiloName();
}

/// <summary>The stored shape of a counter (Orleans's binary serializer in granary_grain_storage.payload).</summary>
[GenerateSerializer, Alias("clustertest.CounterState")]
public sealed record CounterState
{
    [Id(0)]
    public int Count { get; init; }
}

/// <summary>The grain behind <see cref="ICounterGrain"/>; its state is named <see cref="StateName"/> in the default storage.</summary>
// Random placement spreads the grains evenly over the silos, so each one a test kills or stops hosts some of them; the
// default prefers the calling silo, which in these tests is always the in-process test silo.
[RandomPlacement]
[GrainType("clustertest-counter")]
public sealed class CounterGrain([PersistentState(CounterGrain.StateName)] IPersistentState<CounterState> counter, IOptions<SiloOptions> silo)
    : Grain, ICounterGrain
{
    /// <summary>The state name rows of this grain carry in storage.</summary>
    public const string StateName = "counter";

    public async Task<int> Increment()
    {
        counter.State = counter.State with { Count = counter.State.Count + 1 };
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task<string> SiloName() => Task.FromResult(silo.Value.SiloName);
}
