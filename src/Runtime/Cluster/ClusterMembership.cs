using Granary.Runtime.Cluster.Ring;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster;

/// <summary>
/// The membership view this silo currently acts on, and a notice when it changes. Placement, reminder bucket
/// ownership, the catalog and the transport all read the same view, so they agree on who owns what.
/// </summary>
internal sealed class ClusterMembership
{
    private ClusterView _view = ClusterView.Empty;

    public ClusterMembership(SiloAddress localSilo) => LocalSilo = localSilo;

    /// <summary>This silo's identity; final once the silo has joined.</summary>
    public SiloAddress LocalSilo { get; set; }

    public ClusterView View => Volatile.Read(ref _view);

    /// <summary>Raised after <see cref="View"/> moved to a newer version (never concurrently with itself).</summary>
    public event Action<ClusterView, ClusterView>? ViewChanged;

    private readonly object _publishLock = new();

    /// <summary>
    /// Installs <paramref name="view"/> unless it says the same as the current one. Callers read the table one at a
    /// time, so the latest read is the truth even when the version went back (a table that lost its data restarts at 0).
    /// </summary>
    public bool TryPublish(ClusterView view)
    {
        lock (_publishLock)
        {
            var previous = _view;
            if (view.Version == previous.Version && SameMembers(view, previous))
            {
                return false;
            }
            Volatile.Write(ref _view, view);
            ViewChanged?.Invoke(previous, view);
            return true;
        }
    }

    private static bool SameMembers(ClusterView a, ClusterView b) =>
        a.Entries.Count == b.Entries.Count
        && a.Entries.All(e => b.Find(e.Address)?.Status == e.Status);
}
