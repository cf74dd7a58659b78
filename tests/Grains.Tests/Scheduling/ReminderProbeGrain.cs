namespace Granary.Grains.Tests.Scheduling;

/// <summary>A grain that registers and removes reminders through <see cref="ReminderHandles"/>, and one way around it.</summary>
[Alias("granary.tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers <paramref name="name"/> (due in an hour), keeping its handle.</summary>
    Task Register(string name);

    /// <summary>Registers <paramref name="name"/> again without the handles hearing of it: the kept handle is out of date.</summary>
    Task RegisterBehindTheHandles(string name);

    Task Unregister(string name);

    /// <summary>Whether the reminder table holds <paramref name="name"/> for this grain.</summary>
    Task<bool> Exists(string name);
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private readonly ReminderHandles _reminders = new();

    public Task Register(string name) => _reminders.Register(this.RegisterDueReminder(name, TimeSpan.FromHours(1)));

    public Task RegisterBehindTheHandles(string name) => this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(2), TimeSpan.FromHours(1));

    public Task Unregister(string name) => _reminders.Unregister(this, name);

    public async Task<bool> Exists(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
