namespace Granary.Grains.Scheduling;

/// <summary>
/// A grain whose stored state says which reminders it needs: a pending order its auto-cancel and, while its outbox
/// holds events, the hand-over; a retrying job its next attempt; a user the welcome email not handed over yet; an
/// organization's daily summary and its endpoints' unsent notices. The reminder table can lose rows its grains still
/// count on (Redis FLUSHALL, a restart without its AOF, a database restored beside a fresh Redis); the maintenance
/// grain then asks each such grain to register again what it needs (<see cref="IMaintenanceGrain.Ensure"/>).
/// </summary>
[Alias("granary.IRestoresReminders")]
public interface IRestoresReminders : IGrainWithStringKey
{
    /// <summary>
    /// Registers each reminder the stored state needs and the reminder table lacks, due when the state says; a reminder
    /// that is there is left as it is. Returns how many were registered (0 when nothing was missing).
    /// </summary>
    Task<int> RestoreReminders();
}
