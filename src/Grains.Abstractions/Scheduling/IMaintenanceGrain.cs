namespace Granary.Grains.Scheduling;

/// <summary>
/// The cluster's periodic clean-up, one grain keyed <see cref="MaintenanceKey.Global"/>: a periodic reminder asks
/// <see cref="IExpiredRecords"/> for expired refresh-token families and makes each forget itself. Its own reminder is
/// also the sign that the reminder table kept its rows: when it is missing, the grain restores every grain's reminders
/// from stored state before registering it again.
/// </summary>
[Alias("granary.IMaintenanceGrain")]
public interface IMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the periodic reminder unless it is registered already (every silo calls this at start and then every
    /// minute). A missing reminder means the reminder table is new — the deployment's first start — or lost its rows
    /// (Redis FLUSHALL, a database restored beside a fresh Redis): first every grain that may hold due work is asked to
    /// register its reminders again (<see cref="IRestoresReminders"/>), then the periodic reminder is registered, only if
    /// every grain could be asked, so a failed restore runs again at the next call. Returns what the restore found, or
    /// null when the reminder was there.
    /// </summary>
    Task<ReminderRestoreReport?> Ensure();

    /// <summary>Runs one sweep now, as a tick would.</summary>
    Task<MaintenanceReport> RunNow();
}

/// <summary>What one sweep forgot; <see cref="Complete"/> is false when it stopped at its batch limit with rows left.</summary>
[GenerateSerializer, Immutable, Alias("granary.MaintenanceReport")]
public sealed record MaintenanceReport(int RefreshTokenFamilies, bool Complete);

/// <summary>What one reminder restore found: grains asked, reminders registered again, grains that could not be asked.</summary>
[GenerateSerializer, Immutable, Alias("granary.ReminderRestoreReport")]
public sealed record ReminderRestoreReport(int Checked, int Restored, int Failed);

/// <summary>The one key <see cref="IMaintenanceGrain"/> is used with.</summary>
public static class MaintenanceKey
{
    public const string Global = "global";
}
