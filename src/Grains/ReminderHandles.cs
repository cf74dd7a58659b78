namespace Granary.Grains;

/// <summary>
/// The reminders an activation registered, by name: removing one of them then takes one call to the reminder table
/// instead of two (Orleans removes a reminder by the handle its registration returned; without one, the table is read
/// first). A handle that is out of date (the reminder was registered again elsewhere) falls back to the lookup.
/// </summary>
public sealed class ReminderHandles
{
    private readonly Dictionary<string, IGrainReminder> _handles = new(StringComparer.Ordinal);

    /// <summary>Registers (or moves) a reminder through <paramref name="register"/> and keeps its handle.</summary>
    public async Task Register(Task<IGrainReminder> register)
    {
        var reminder = await register;
        _handles[reminder.ReminderName] = reminder;
    }

    /// <summary>Removes the reminder named <paramref name="name"/> when it exists.</summary>
    public async Task Unregister(Grain grain, string name)
    {
        if (_handles.Remove(name, out var reminder))
        {
            try
            {
                await grain.UnregisterReminder(reminder);
                return;
            }
            catch (ReminderException)
            {
                // Registered again since (its handle changed): removed below by its current one.
            }
        }
        await DueReminders.UnregisterReminder(grain, name);
    }
}
