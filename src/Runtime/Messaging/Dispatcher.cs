using Granary.Runtime.Activations;
using Granary.Runtime.Hosting;
using Granary.Runtime.Placement;

namespace Granary.Runtime.Messaging;

/// <summary>
/// Addresses requests: stamps the caller's context, call chain and deadline, then hands the request to the local
/// activation (creating it on first use) or, when placement says another silo owns the grain, to the transport.
/// </summary>
internal sealed class Dispatcher : IRequestSender
{
    private const int MaxLocalAttempts = 8;

    private readonly SiloRuntime _runtime;
    private readonly IPlacementDirector _placement;
    private readonly Lazy<ISiloTransport> _transport;
    private readonly long _timeoutTicks;

    public Dispatcher(SiloRuntime runtime, IPlacementDirector placement, Lazy<ISiloTransport> transport)
    {
        _runtime = runtime;
        _placement = placement;
        _transport = transport;
        _timeoutTicks = (long)(runtime.Options.ResponseTimeout.TotalSeconds * runtime.Time.TimestampFrequency);
    }

    public bool HasOutgoingFilters => _runtime.OutgoingFilters.Length > 0;

    public Task<TResult> InvokeWithFiltersAsync<TResult>(GrainReference target, GrainRequest<TResult> request) =>
        new OutgoingCallContext<TResult>(this, target, request, _runtime.OutgoingFilters).RunAsync();

    public void Send(GrainReference target, GrainRequest request)
    {
        Stamp(request, target.GrainId);
        if (target.CachedTarget is IRequestTarget cached && cached.TryEnqueue(request))
        {
            return;
        }
        Route(request, target);
    }

    /// <summary>Sends a request to a grain without a reference (runtime services: reminders).</summary>
    public Task<TResult> SendAsync<TResult>(GrainId grainId, GrainRequest<TResult> request)
    {
        Stamp(request, grainId);
        Route(request, null);
        return request.Task;
    }

    // Call ids are unique across silos: a random start per process, then a counter. Each thread takes a block of ids
    // at a time, so calls made on different cores don't all increment one shared counter.
    private const int CallIdBlock = 1024;
    private static long s_nextCallId = Random.Shared.NextInt64();
    [ThreadStatic]
    private static long t_nextCallId;
    [ThreadStatic]
    private static long t_callIdBlockEnd;

    private static long NextCallId()
    {
        if (t_nextCallId == t_callIdBlockEnd)
        {
            var end = Interlocked.Add(ref s_nextCallId, CallIdBlock);
            t_nextCallId = end - CallIdBlock;
            t_callIdBlockEnd = end;
        }
        return ++t_nextCallId;
    }

    private void Stamp(GrainRequest request, GrainId target)
    {
        var scope = CallScope.Capture();
        request.Target = target;
        request.CallId = NextCallId();
        request.Parent = CallScope.RequestOf(scope);
        request.Context = CallScope.DataOf(scope);
        var now = _runtime.Time.GetTimestamp();
        request.SentAt = now;
        request.Deadline = now + _timeoutTicks;
    }

    /// <summary>Sends a request again after the activation it was queued on went away.</summary>
    public void Redispatch(GrainRequest request) => Route(request, null);

    private void Route(GrainRequest request, GrainReference? reference)
    {
        var info = _runtime.Types.ForTypeName(request.Target.Type);
        if (info is null)
        {
            request.TryFail(new InvalidOperationException($"No grain class has grain type name '{request.Target.Type}' on this silo."));
            return;
        }

        // Stateless workers always run on the calling silo; everything else on its owner.
        if (!info.IsStatelessWorker)
        {
            var owner = _placement.OwnerOf(request.Target);
            if (owner != _runtime.LocalSilo)
            {
                _transport.Value.Send(owner, request);
                return;
            }
        }

        DeliverLocal(request, info, reference);
    }

    /// <summary>Queues the request on this silo's activation of its grain, creating it when needed.</summary>
    public void DeliverLocal(GrainRequest request, GrainClassInfo info, GrainReference? reference = null)
    {
        try
        {
            for (var attempt = 0; attempt < MaxLocalAttempts; attempt++)
            {
                var target = _runtime.Catalog.GetOrCreate(request.Target, info);
                if (target.TryEnqueue(request))
                {
                    if (reference is not null)
                    {
                        reference.CachedTarget = target;
                    }
                    return;
                }
            }
            request.TryFail(new InvalidOperationException($"Grain {request.Target} kept deactivating while the call was being delivered; try again."));
        }
        catch (Exception ex)
        {
            request.TryFail(ex);
        }
    }
}
