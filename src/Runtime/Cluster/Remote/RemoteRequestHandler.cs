using Granary.Runtime.Cluster.Transport;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Cluster.Remote;

/// <summary>
/// Runs grain calls that arrive from other silos: decodes them, answers "moved" for grains this silo doesn't own in
/// its current view (the sender's view is older; it refreshes and re-routes), and otherwise delivers them to the
/// local activation with the sender's deadline, request context and call chain.
/// </summary>
internal sealed class RemoteRequestHandler : ISiloMessageHandler
{
    private readonly SiloRuntime _runtime;
    private readonly ClusterMembership _membership;
    private readonly IPlacementDirector _placement;
    private readonly Func<long, CancellationToken, Task> _refreshView;

    public RemoteRequestHandler(SiloRuntime runtime, ClusterMembership membership, IPlacementDirector placement, Func<long, CancellationToken, Task> refreshView)
    {
        _runtime = runtime;
        _membership = membership;
        _placement = placement;
        _refreshView = refreshView;
    }

    private long _lastRequestAt;

    /// <summary>When the last call arrived from another silo (<see cref="TimeProvider"/> timestamp), to tell when the others stopped sending.</summary>
    public long LastRequestAt => Volatile.Read(ref _lastRequestAt);

    public async ValueTask<byte[]> HandleRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastRequestAt, _runtime.Time.GetTimestamp());
        IncomingCall call;
        try
        {
            call = WireFormat.DecodeRequest(payload.Span);
        }
        catch (Exception ex)
        {
            return WireFormat.EncodeError(ex);
        }

        var request = call.Request;
        var info = _runtime.Types.ForTypeName(request.Target.Type);
        if (info is null)
        {
            return WireFormat.EncodeError(new InvalidOperationException($"No grain class has grain type name '{request.Target.Type}' on silo {_membership.LocalSilo}."));
        }
        if (_runtime.Catalog.IsClosed)
        {
            return WireFormat.EncodeMoved(_membership.View.Version);
        }
        if (!info.IsStatelessWorker && _placement.OwnerOf(request.Target) != _membership.LocalSilo)
        {
            // The sender may know a newer view (this silo just joined, or missed a notice): catch up before refusing.
            if (call.SenderViewVersion > _membership.View.Version)
            {
                await _refreshView(call.SenderViewVersion, cancellationToken);
            }
            if (_placement.OwnerOf(request.Target) != _membership.LocalSilo)
            {
                return WireFormat.EncodeMoved(_membership.View.Version);
            }
        }

        var now = _runtime.Time.GetTimestamp();
        request.SentAt = now;
        request.Deadline = now + (long)(call.RemainingMilliseconds / 1000.0 * _runtime.Time.TimestampFrequency);
        _runtime.Dispatcher.DeliverLocal(request, info);
        try
        {
            await ((IRemoteResult)request).Completion;
            return WireFormat.EncodeResult(request);
        }
        catch (Exception ex)
        {
            return WireFormat.EncodeError(ex);
        }
    }
}
