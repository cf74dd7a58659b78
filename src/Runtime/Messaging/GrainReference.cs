using System.ComponentModel;

namespace Granary.Runtime.Messaging;

/// <summary>
/// Base of every generated grain proxy: holds the grain id and sends requests through the runtime.
/// Two references to the same grain are equal.
/// </summary>
public abstract class GrainReference : IEquatable<GrainReference>
{
    private readonly GrainReferenceContext _context;

    /// <summary>Called by generated proxies.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected GrainReference(GrainReferenceContext context, GrainId grainId)
    {
        _context = context;
        GrainId = grainId;
    }

    /// <summary>The grain this reference points at.</summary>
    public GrainId GrainId { get; }

    /// <summary>A hint the local dispatcher keeps to skip the catalog look-up; validated on every use.</summary>
    internal object? CachedTarget;

    /// <summary>Sends <paramref name="request"/> and returns the task that completes with its result. Called by generated proxies.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Task<TResult> InvokeAsync<TResult>(GrainRequest<TResult> request)
    {
        var sender = _context.Sender;
        if (sender.HasOutgoingFilters)
        {
            return sender.InvokeWithFiltersAsync(this, request);
        }
        sender.Send(this, request);
        return request.Task;
    }

    public bool Equals(GrainReference? other) => other is not null && GrainId == other.GrainId;

    public override bool Equals(object? obj) => obj is GrainReference other && Equals(other);

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => $"GrainReference:{GrainId}";
}

/// <summary>What a proxy needs from the runtime that created it. Opaque to grain code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GrainReferenceContext
{
    internal GrainReferenceContext(IRequestSender sender) => Sender = sender;

    internal IRequestSender Sender { get; }
}

/// <summary>Delivers requests to activations: locally now, across silos later.</summary>
internal interface IRequestSender
{
    bool HasOutgoingFilters { get; }

    void Send(GrainReference target, GrainRequest request);

    Task<TResult> InvokeWithFiltersAsync<TResult>(GrainReference target, GrainRequest<TResult> request);
}
