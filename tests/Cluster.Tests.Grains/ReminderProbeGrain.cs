using Granary.Runtime;
using Granary.Runtime.Hosting;
using Microsoft.Extensions.Options;

namespace Granary.Cluster.Tests.Grains;

/// <summary>Registers one-shot reminders and records every tick durably, so a test can see which fired, when and where.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan due);

    Task<IReadOnlyList<ReminderFiring>> Firings();

    /// <summary>The name of the silo hosting this activation.</summary>
    Task<string> SiloName();
}

/// <summary>One delivered tick: the reminder, the silo that hosted the grain, the tick's due time, its attempt, when it arrived.</summary>
public sealed record ReminderFiring(string Name, string Silo, DateTimeOffset DueTime, int Attempt, DateTimeOffset FiredAt);

/// <summary>The stored shape of a probe (JSON in granary_grain_state.payload).</summary>
public sealed record ReminderProbeState
{
    public IReadOnlyList<ReminderFiring> Firings { get; init; } = [];
}

[GrainType("clustertest-reminderprobe")]
public sealed class ReminderProbeGrain([PersistentState("probe")] IPersistentState<ReminderProbeState> probe, IOptions<SiloOptions> silo) : Grain, IReminderProbeGrain, IRemindable
{
    public async Task Register(string name, TimeSpan due) => await RegisterOrUpdateReminder(name, due);

    public Task<IReadOnlyList<ReminderFiring>> Firings() => Task.FromResult(probe.State.Firings);

    public Task<string> SiloName() => Task.FromResult(silo.Value.SiloName);

    public async Task ReceiveReminder(string reminderName, ReminderTick tick)
    {
        var firing = new ReminderFiring(reminderName, silo.Value.SiloName, tick.DueTime, tick.Attempt, TimeProvider.GetUtcNow());
        probe.State = probe.State with { Firings = [.. probe.State.Firings, firing] };
        // Written before returning: a tick that returns is recorded, and one that fails here is retried.
        await probe.WriteStateAsync();
    }
}
