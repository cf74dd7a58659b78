namespace Granary.Grains.Scheduling;

/// <summary>
/// The cluster's periodic clean-up, one grain keyed <see cref="MaintenanceKey.Global"/>: a periodic reminder asks
/// <see cref="IExpiredRecords"/> for expired refresh-token families and makes each forget itself.
/// </summary>
[Alias("granary.IMaintenanceGrain")]
public interface IMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>Registers the periodic reminder unless it is registered with the configured period already (every silo calls this at start).</summary>
    Task Ensure();

    /// <summary>Runs one sweep now, as a tick would.</summary>
    Task<MaintenanceReport> RunNow();
}

/// <summary>What one sweep forgot; <see cref="Complete"/> is false when it stopped at its batch limit with rows left.</summary>
[GenerateSerializer, Immutable, Alias("granary.MaintenanceReport")]
public sealed record MaintenanceReport(int RefreshTokenFamilies, bool Complete);

/// <summary>The one key <see cref="IMaintenanceGrain"/> is used with.</summary>
public static class MaintenanceKey
{
    public const string Global = "global";
}
