namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// A request (or ping) sent on a <see cref="SiloConnection"/> and not yet answered; its task completes with the
/// response payload. Continuations run asynchronously so that the connection's read loop never runs caller code.
/// </summary>
internal sealed class PendingRequest(long deadline, TimeSpan timeout, bool countsTowardLimit)
    : TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    /// <summary>Timestamp (of the pool's <see cref="TimeProvider"/>) after which the request fails with a timeout.</summary>
    public long Deadline { get; } = deadline;

    /// <summary>The timeout the caller gave, for the error message.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Requests take a slot of the in-flight window; pings don't.</summary>
    public bool CountsTowardLimit { get; } = countsTowardLimit;

    // The fields below are guarded by the connection's lock.

    public PendingState State;

    /// <summary>Correlation id, assigned when the frame is written into the outbox.</summary>
    public long Id;

    /// <summary>The caller's payload while the request waits for room; copied into the outbox when it gets a slot.</summary>
    public ReadOnlyMemory<byte> Payload;
}

/// <summary>Where a <see cref="PendingRequest"/> is: waiting for a slot, sent, or done (answered, expired, canceled or failed).</summary>
internal enum PendingState
{
    Waiting,
    Sent,
    Done,
}
