namespace Granary.Engine.Bench.Grains;

/// <summary>A grain that changes its state and writes it on every call.</summary>
public interface IStateWriterGrain : IGrainWithStringKey
{
    /// <summary>Sets the state to <see cref="BenchPayload.Create"/>(<paramref name="sequence"/>) and writes it.</summary>
    Task Write(int sequence);
}

/// <summary>What <see cref="StateWriterGrain"/> stores; <see cref="Data"/> pads the payload to a realistic size.</summary>
[GenerateSerializer, Alias("granary.bench.state")]
public sealed record BenchState
{
    /// <summary>The writer's sequence number.</summary>
    [Id(0)]
    public int Sequence { get; init; }

    /// <summary>Padding.</summary>
    [Id(1)]
    public string Data { get; init; } = "";

    /// <summary>When the state was made.</summary>
    [Id(2)]
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>Writes through the storage provider named <see cref="StorageName"/>.</summary>
internal sealed class StateWriterGrain([PersistentState("bench", StateWriterGrain.StorageName)] IPersistentState<BenchState> state)
    : Grain, IStateWriterGrain
{
    public const string StorageName = "bench";

    public async Task Write(int sequence)
    {
        state.State = BenchPayload.Create(sequence);
        await state.WriteStateAsync();
    }
}

/// <summary>The state both sides of the PostgreSQL comparison write, so payloads have the same size.</summary>
public static class BenchPayload
{
    private static readonly string Padding = new('x', 200);

    /// <summary>A state of fixed size for <paramref name="sequence"/>.</summary>
    public static BenchState Create(int sequence) =>
        new() { Sequence = sequence, Data = Padding, UpdatedAt = DateTimeOffset.UtcNow };
}
