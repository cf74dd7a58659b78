using Granary.Runtime;

namespace Granary.Bench;

/// <summary>The cheapest possible grain call: the method completes synchronously.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    ValueTask<int> Ping();
}

[GrainType("bench-ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    private int _calls;

    public ValueTask<int> Ping() => new(++_calls);
}

/// <summary>A grain that changes its state and writes it on every call.</summary>
public interface IStateWriterGrain : IGrainWithStringKey
{
    Task Write(int sequence);
}

/// <summary>What <see cref="StateWriterGrain"/> stores; <see cref="Data"/> pads the JSON to a realistic size.</summary>
public sealed record BenchState
{
    public int Sequence { get; init; }

    public string Data { get; init; } = "";

    public DateTimeOffset? UpdatedAt { get; init; }
}

[GrainType("bench-state")]
public sealed class StateWriterGrain([PersistentState("bench")] IPersistentState<BenchState> state) : Grain, IStateWriterGrain
{
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

    public static BenchState Create(int sequence) =>
        new() { Sequence = sequence, Data = Padding, UpdatedAt = DateTimeOffset.UtcNow };
}

/// <summary>Registers one one-shot reminder and reports how late its tick arrives.</summary>
public interface IReminderBenchGrain : IGrainWithIntegerKey
{
    Task Register(TimeSpan dueTime);
}

[GrainType("bench-reminder")]
public sealed class ReminderBenchGrain(LatenessCollector collector) : Grain, IReminderBenchGrain, IRemindable
{
    public async Task Register(TimeSpan dueTime) => await RegisterOrUpdateReminder("bench", dueTime);

    public Task ReceiveReminder(string reminderName, ReminderTick tick)
    {
        collector.Record(GetPrimaryKeyLong(), TimeProvider.GetUtcNow() - tick.DueTime, tick.Attempt);
        return Task.CompletedTask;
    }
}
