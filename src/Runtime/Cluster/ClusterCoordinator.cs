using Granary.Runtime.Cluster.Membership;
using Granary.Runtime.Cluster.Remote;
using Granary.Runtime.Cluster.Ring;
using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Placement;
using Granary.Runtime.Reminders;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster;

/// <summary>
/// Ties a silo to its cluster: joins once the silo port listens, reacts to every new view (activations whose grains
/// moved are deactivated, connections to dead silos are dropped, reminder buckets are re-polled), and leaves in
/// order on a graceful stop: ShuttingDown first (off the ring), then Dead once the silo's work is done.
/// </summary>
internal sealed class ClusterCoordinator : IAsyncDisposable
{
    private readonly MembershipService _membership;
    private readonly ClusterMembership _view;
    private readonly SiloRuntime _runtime;
    private readonly SiloConnectionPool _pool;
    private readonly ReminderService _reminders;
    private readonly ClusterOptions _options;

    public ClusterCoordinator(MembershipService membership, ClusterMembership view, SiloRuntime runtime, SiloConnectionPool pool, ReminderService reminders, ClusterOptions options)
    {
        _membership = membership;
        _view = view;
        _runtime = runtime;
        _pool = pool;
        _reminders = reminders;
        _options = options;
        _view.ViewChanged += OnViewChanged;
    }

    public MembershipService Membership => _membership;

    public async Task JoinAsync(int siloPort, int httpPort, CancellationToken cancellationToken) =>
        await _membership.JoinAsync(AdvertisedHost(), siloPort, _runtime.Options.SiloName, httpPort, cancellationToken);

    /// <summary>The configured host, or (when empty) this machine's first non-loopback IPv4 address, as a container's own IP.</summary>
    private string AdvertisedHost()
    {
        if (!string.IsNullOrWhiteSpace(_options.AdvertisedHost))
        {
            return _options.AdvertisedHost;
        }
        var address = System.Net.Dns.GetHostAddresses(System.Net.Dns.GetHostName())
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        return address?.ToString()
            ?? throw new InvalidOperationException("Granary:Cluster:AdvertisedHost is empty and this machine has no non-loopback IPv4 address to advertise; set it.");
    }

    public Task BeginLeavingAsync(CancellationToken cancellationToken) => _membership.BeginLeavingAsync(cancellationToken);

    /// <summary>
    /// While leaving, waits until no call has arrived from another silo for a short quiet period (bounded): the
    /// others have seen that this silo is off the ring and send its grains elsewhere, so closing the silo port
    /// fails none of their calls. Calls that still arrive meanwhile are answered "moved".
    /// </summary>
    public async Task WaitForQuietAsync(RemoteRequestHandler handler, CancellationToken cancellationToken)
    {
        var quiet = _options.ProbeInterval;
        var deadline = _runtime.Time.GetUtcNow() + _options.RefreshPeriod + quiet;
        while (_runtime.Time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
        {
            var sinceLast = _runtime.Time.GetElapsedTime(handler.LastRequestAt);
            if (handler.LastRequestAt == 0 || sinceLast >= quiet)
            {
                return;
            }
            await Task.Delay(quiet - sinceLast, _runtime.Time, cancellationToken);
        }
    }

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await _membership.LeaveAsync(cancellationToken);
        await _pool.DisposeAsync();
    }

    /// <summary>Stops without telling anyone, as a crashed process would (tests).</summary>
    public async Task AbandonAsync()
    {
        await _membership.StopLoopsAsync();
        await _pool.DisposeAsync();
    }

    private void OnViewChanged(ClusterView previous, ClusterView current)
    {
        var me = _view.LocalSilo;
        if (current.StatusOf(me) is SiloStatus.Active or SiloStatus.ShuttingDown)
        {
            _runtime.Catalog.DeactivateNotOwned(id => current.Ring.OwnerOf(id.Hash) == me);
        }
        foreach (var entry in current.Entries)
        {
            if (entry.Status == SiloStatus.Dead && previous.StatusOf(entry.Address) is not (null or SiloStatus.Dead))
            {
                _pool.Disconnect(entry.Address);
            }
        }
        _reminders.OwnershipChanged();
    }

    public async ValueTask DisposeAsync()
    {
        _view.ViewChanged -= OnViewChanged;
        await _membership.DisposeAsync();
    }
}
