using Granary.Persistence.Tests.Infrastructure;
using Orleans.Runtime;

namespace Granary.Persistence.Tests.Restart;

/// <summary>A grain with persistent state and a reminder, to see both survive a silo restart.</summary>
public interface IRestartProbeGrain : IGrainWithStringKey
{
    Task SaveAsync(string text);

    /// <summary>The stored text, or null when no record exists.</summary>
    Task<string?> LoadAsync();

    Task RegisterReminderAsync(string name);

    Task<string[]> ReminderNamesAsync();
}

/// <summary>The state <see cref="RestartProbeGrain"/> stores.</summary>
[GenerateSerializer, Alias("granary.tests.restart-probe-state")]
public sealed class RestartProbeState
{
    [Id(0)]
    public string Text { get; set; } = "";
}

/// <summary>Stores its state in Granary's grain storage and its reminders in Granary's reminder table.</summary>
public sealed class RestartProbeGrain(
    [PersistentState("restart-probe", StorageSiloFixture.StorageName)] IPersistentState<RestartProbeState> state)
    : Grain, IRestartProbeGrain, IRemindable
{
    public async Task SaveAsync(string text)
    {
        state.State.Text = text;
        await state.WriteStateAsync();
    }

    public Task<string?> LoadAsync() => Task.FromResult(state.RecordExists ? state.State.Text : null);

    // Due in an hour: the test only needs the reminder to be stored, not to fire.
    public Task RegisterReminderAsync(string name) =>
        this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public async Task<string[]> ReminderNamesAsync() =>
        [.. (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
