namespace Granary.Grains.Scheduling;

/// <summary>Scheduled clean-up (configuration section <c>Granary:Jobs</c>).</summary>
public sealed class JobsOptions
{
    /// <summary>How often the maintenance sweep runs.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Keys read per query of expired records.</summary>
    public int MaintenanceBatchSize { get; set; } = 500;

    /// <summary>Batches one sweep handles per kind of record at most; the rest waits for the next sweep.</summary>
    public int MaintenanceMaxBatches { get; set; } = 10;

    /// <summary>
    /// How often each silo checks that the maintenance reminder is still in the reminder table; when it is gone, the
    /// table lost its rows and every grain's reminders are restored from stored state (<c>IMaintenanceGrain.Ensure</c>).
    /// </summary>
    public TimeSpan ReminderCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
