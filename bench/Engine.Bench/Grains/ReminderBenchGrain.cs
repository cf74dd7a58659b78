namespace Granary.Engine.Bench.Grains;

/// <summary>Registers one reminder and reports how late its first tick arrives.</summary>
public interface IReminderBenchGrain : IGrainWithIntegerKey
{
    /// <summary>Registers reminder "bench" with a first tick <paramref name="dueTime"/> from now.</summary>
    Task Register(TimeSpan dueTime, TimeSpan period);
}

/// <summary>
/// Orleans has no one-shot reminder: the grain unregisters on its first tick, which is what Granary's jobs do when
/// their work is done. Lateness = receipt − the reminder's first due time (<see cref="TickStatus.FirstTickTime"/>).
/// </summary>
internal sealed class ReminderBenchGrain(LatenessCollector collector, TimeProvider time) : Grain, IReminderBenchGrain, IRemindable
{
    private const string ReminderName = "bench";

    public async Task Register(TimeSpan dueTime, TimeSpan period) => await this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        collector.Record(this.GetPrimaryKeyLong(), time.GetUtcNow().UtcDateTime - status.FirstTickTime);
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
