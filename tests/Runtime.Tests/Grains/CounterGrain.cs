namespace Granary.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<int> Get();

    Task<string?> Etag();

    Task<string> Label();

    Task Clear();
}

/// <summary>The stored shape of a counter.</summary>
public sealed record CounterState
{
    public int Count { get; init; }

    public string Label { get; init; } = "unnamed";

    public DateTimeOffset? LastChanged { get; init; }
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter, EventLog log) : Grain, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        log.Add($"counter activate {GetPrimaryKeyString()} at {counter.State.Count}");
        return Task.CompletedTask;
    }

    public async Task<int> Increment()
    {
        counter.State = counter.State with { Count = counter.State.Count + 1, LastChanged = TimeProvider.GetUtcNow() };
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task<string?> Etag() => Task.FromResult(counter.Etag);

    public Task<string> Label() => Task.FromResult(counter.State.Label);

    public Task Clear() => counter.ClearStateAsync();
}
