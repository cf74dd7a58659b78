namespace Granary.Runtime.Cluster.Membership;

/// <summary>
/// The cluster's membership table: one row per silo plus a table version. Inserts and updates are
/// compare-and-set on the version (and bump it), so silos that race never overwrite each other's view;
/// every change publishes a notice so the other silos re-read at once. Times come from the table's server clock.
/// If the table loses its data, <see cref="ReadAllAsync"/> returns version 0 and no rows, and silos write their
/// rows again.
/// </summary>
public interface IMembershipTable : IAsyncDisposable
{
    /// <summary>The provider kind, e.g. "redis", "memory".</summary>
    string Kind { get; }

    /// <summary>Connects and subscribes to change notices.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Every row and the table version.</summary>
    Task<MembershipSnapshot> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Adds a row if the version is still <paramref name="expectedVersion"/> and no row has that address; bumps the version. False when it lost a race.</summary>
    Task<bool> InsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Replaces an existing row if the version is still <paramref name="expectedVersion"/>; bumps the version. False when it lost a race or the row is gone.</summary>
    Task<bool> UpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Sets the row's I-am-alive time to the server's current time, without bumping the version. False when the row is gone.</summary>
    Task<bool> UpdateIAmAliveAsync(Placement.SiloAddress silo, CancellationToken cancellationToken);

    /// <summary>The table server's clock (Redis TIME), so silo clocks don't matter.</summary>
    Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken);

    /// <summary>Removes Dead rows whose last I-am-alive (or start) is older than <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> DeleteDefunctAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="onChanged"/> with the new version whenever any silo changes the table (best effort; silos also re-read periodically).</summary>
    IDisposable SubscribeToChanges(Action<long> onChanged);

    /// <summary>Reports whether the table answers, for /health/ready.</summary>
    Task<ProviderHealth> CheckHealthAsync(CancellationToken cancellationToken);
}
