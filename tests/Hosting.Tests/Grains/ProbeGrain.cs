using System.Collections.Concurrent;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;

namespace Granary.Hosting.Tests;

/// <summary>A test grain: a persisted text, a reminder whose ticks are recorded, and where it runs.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    Task SetTextAsync(string text);

    Task<string?> GetTextAsync();

    Task StartTickingAsync(TimeSpan dueTime, TimeSpan period);

    Task StopTickingAsync();

    /// <summary>The silo this activation runs on (SiloAddress in its parsable form).</summary>
    [ReadOnly]
    Task<string> WhereAmIAsync();
}

/// <summary>The persisted part of <see cref="ProbeGrain"/>.</summary>
[GenerateSerializer]
[Alias("Granary.Hosting.Tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)]
    public string? Text { get; set; }
}

/// <summary>
/// Placed on the silo of the caller that activates it, so a test can put it on a chosen silo by activating it there.
/// Stored under the default storage name, as a grain author's <c>[PersistentState("probe")]</c> would be.
/// </summary>
[PreferLocalPlacement]
public sealed class ProbeGrain(
    [PersistentState("probe")] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo) : Grain, IProbeGrain, IRemindable
{
    public const string ReminderName = "tick";

    public async Task SetTextAsync(string text)
    {
        state.State.Text = text;
        await state.WriteStateAsync();
    }

    public Task<string?> GetTextAsync() => Task.FromResult(state.State.Text);

    public Task StartTickingAsync(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task StopTickingAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<string> WhereAmIAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.Record(this.GetPrimaryKeyString(), silo.SiloAddress.ToParsableString());
        return Task.CompletedTask;
    }
}

/// <summary>Reminder ticks seen in this test process, by grain key: (when, on which silo).</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTime At, string Silo)>> Ticks = new();

    public static void Record(string key, string silo) => Ticks.GetOrAdd(key, _ => new()).Enqueue((DateTime.UtcNow, silo));

    public static IReadOnlyList<(DateTime At, string Silo)> Of(string key) => Ticks.TryGetValue(key, out var ticks) ? ticks.ToArray() : [];
}
