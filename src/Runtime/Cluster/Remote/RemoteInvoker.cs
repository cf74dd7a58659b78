using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Messaging;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Remote;

/// <summary>
/// Sends grain calls owned by other silos over the silo transport and completes them with the answer. When the
/// receiver says the grain moved (its view is newer than ours), or no connection to the owner could be opened (the call
/// was never sent), the view is refreshed and the call re-routed, at most <see cref="MaxHops"/> times.
/// </summary>
internal sealed class RemoteInvoker : ISiloTransport
{
    /// <summary>Re-routings of one call after "moved" answers (each after a refresh or a short pause).</summary>
    public const int MaxHops = 8;

    private readonly SiloConnectionPool _pool;
    private readonly SiloRuntime _runtime;
    private readonly ClusterMembership _membership;
    private readonly Func<CancellationToken, Task> _refreshView;

    public RemoteInvoker(SiloConnectionPool pool, SiloRuntime runtime, ClusterMembership membership, Func<CancellationToken, Task> refreshView)
    {
        _pool = pool;
        _runtime = runtime;
        _membership = membership;
        _refreshView = refreshView;
    }

    public void Send(SiloAddress silo, GrainRequest request) => _ = SendAsync(silo, request);

    private async Task SendAsync(SiloAddress silo, GrainRequest request)
    {
        try
        {
            var remaining = TimeLeft(request);
            if (remaining <= TimeSpan.Zero)
            {
                request.TryFail(new GrainCallTimeoutException($"Call to {request.Target}.{request.MethodName} ran out of time before it could be sent to {silo}."));
                return;
            }

            var viewVersion = _membership.View.Version;
            var payload = WireFormat.EncodeRequest(request, (long)Math.Ceiling(remaining.TotalMilliseconds), viewVersion);
            byte[] response;
            try
            {
                response = await _pool.SendRequestAsync(silo, payload, remaining, request.CallerCancellation);
            }
            catch (SiloUnavailableException unreachable) when (unreachable.NeverSent && request.Hops < MaxHops)
            {
                // Nothing was sent, so trying again is safe: the silo may have died and our view not caught up yet.
                request.Hops++;
                await _refreshView(CancellationToken.None);
                await Task.Delay(TimeSpan.FromMilliseconds(25 * request.Hops), _runtime.Time);
                _runtime.Dispatcher.Redispatch(request);
                return;
            }
            if (WireFormat.ApplyResponse(response, request, out var theirVersion) != ResponseKind.Moved)
            {
                return;
            }

            if (++request.Hops > MaxHops)
            {
                request.TryFail(new SiloUnavailableException($"Grain {request.Target} kept moving between silos while the cluster view changed; try again."));
                return;
            }
            if (theirVersion >= viewVersion)
            {
                // Our view is the older one: catch up, then route by the new view.
                await _refreshView(CancellationToken.None);
            }
            else
            {
                // Theirs is older (it is still learning the view that made it the owner): give it a moment.
                await Task.Delay(TimeSpan.FromMilliseconds(25 * request.Hops), _runtime.Time);
            }
            _runtime.Dispatcher.Redispatch(request);
        }
        catch (Exception ex)
        {
            request.TryFail(ex);
        }
    }

    private TimeSpan TimeLeft(GrainRequest request)
    {
        var now = _runtime.Time.GetTimestamp();
        return request.Deadline <= now ? TimeSpan.Zero : _runtime.Time.GetElapsedTime(now, request.Deadline);
    }
}
