using Granary.Runtime.Messaging;

namespace Granary.Runtime.Activations;

/// <summary>What the catalog holds per grain id: one activation, or a pool of stateless workers.</summary>
internal interface IRequestTarget
{
    /// <summary>Queues the request; false when the target is gone and the caller must look it up again.</summary>
    bool TryEnqueue(GrainRequest request);

    /// <summary>
    /// True once the target takes no more requests (a dead activation, a closed worker pool), possibly a moment before
    /// it has removed itself from the catalog; the catalog then puts a new target in its place.
    /// </summary>
    bool IsGone { get; }

    /// <summary>Fails queued and running requests whose deadline passed.</summary>
    void ExpireRequests(long now);

    /// <summary>Deactivates when idle for longer than the age; returns the activations it started deactivating.</summary>
    int CollectIdle(long now, TimeSpan defaultAge);

    /// <summary>Deactivates every activation of the target and completes when they are dead.</summary>
    Task DeactivateAsync(DeactivationReason reason);

    /// <summary>Starts the target (activation work is posted to its scheduler).</summary>
    void Start();
}
