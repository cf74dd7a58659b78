namespace Granary.Runtime.Tests.Grains;

public interface IReminderGrain : IGrainWithStringKey
{
    Task RegisterOneShot(string name, TimeSpan dueTime);

    Task RegisterPeriodic(string name, TimeSpan dueTime, TimeSpan period);

    Task Unregister(string name);

    Task<IReadOnlyList<string>> ReminderNames();

    /// <summary>Makes the next <paramref name="count"/> ticks throw.</summary>
    Task FailNext(int count);
}

/// <summary>Writes every tick to the log as "tick {key} {name} attempt {n} due {due:O}".</summary>
public sealed class ReminderGrain(EventLog log, ReminderFailures failures) : Grain, IReminderGrain, IRemindable
{
    public async Task RegisterOneShot(string name, TimeSpan dueTime) => await RegisterOrUpdateReminder(name, dueTime);

    public async Task RegisterPeriodic(string name, TimeSpan dueTime, TimeSpan period) => await RegisterOrUpdateReminder(name, dueTime, period);

    public Task Unregister(string name) => UnregisterReminder(name);

    public async Task<IReadOnlyList<string>> ReminderNames() => (await GetReminders()).Select(r => r.Name).ToList();

    public Task FailNext(int count)
    {
        failures.Set(GetPrimaryKeyString(), count);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, ReminderTick tick)
    {
        var key = GetPrimaryKeyString();
        log.Add($"tick {key} {reminderName} attempt {tick.Attempt} due {tick.DueTime:O} at {TimeProvider.GetUtcNow():O}");
        if (failures.TryConsume(key))
        {
            throw new GrainTestException($"tick {tick.Attempt} of {reminderName} refused");
        }
        return Task.CompletedTask;
    }
}

/// <summary>How many ticks each reminder grain should still refuse; outlives activations.</summary>
public sealed class ReminderFailures
{
    private readonly Dictionary<string, int> _left = [];

    public void Set(string key, int count)
    {
        lock (_left)
        {
            _left[key] = count;
        }
    }

    public bool TryConsume(string key)
    {
        lock (_left)
        {
            if (_left.TryGetValue(key, out var left) && left > 0)
            {
                _left[key] = left - 1;
                return true;
            }
            return false;
        }
    }
}
