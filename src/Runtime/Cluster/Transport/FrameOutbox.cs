using System.Buffers;
using System.Threading.Tasks.Sources;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// Frames waiting to go out on one connection. Any thread appends a frame (a copy into a buffer, under a lock); the
/// connection's single writer loop takes everything appended so far as one batch, so frames produced while the
/// previous batch was on the wire leave in one write and one flush. Two buffers alternate: one fills while the
/// other is written.
/// </summary>
internal sealed class FrameOutbox : IValueTaskSource<bool>
{
    private const int InitialCapacity = 16 * 1024;

    // A buffer grown past this for a large frame is dropped once written rather than kept for the connection's life.
    private const int RetainedCapacity = 1024 * 1024;

    private readonly object _lock = new();
    private ArrayBufferWriter<byte> _filling = new(InitialCapacity);
    private ArrayBufferWriter<byte> _draining = new(InitialCapacity);
    private int _fillingMarked;
    private bool _completed;
    private bool _writerWaiting;
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };

    /// <summary>
    /// Appends one frame, or returns false once the outbox is completed. <paramref name="mark"/> counts the frame in
    /// the <c>marked</c> total of the batch that carries it (the server counts responses to free their slots).
    /// </summary>
    public bool TryAppend(FrameKind kind, long correlationId, ReadOnlySpan<byte> payload, bool mark = false)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }
            var length = FrameCodec.HeaderBytes + payload.Length;
            FrameCodec.Write(_filling.GetSpan(length), kind, correlationId, payload);
            _filling.Advance(length);
            if (mark)
            {
                _fillingMarked++;
            }
            wake = _writerWaiting;
            _writerWaiting = false;
        }
        if (wake)
        {
            _wake.SetResult(true);
        }
        return true;
    }

    /// <summary>Writer loop only: true when a batch is ready, false once completed with nothing left.</summary>
    public ValueTask<bool> WaitToTakeAsync()
    {
        lock (_lock)
        {
            if (_filling.WrittenCount > 0)
            {
                return new ValueTask<bool>(true);
            }
            if (_completed)
            {
                return new ValueTask<bool>(false);
            }
            _wake.Reset();
            _writerWaiting = true;
            return new ValueTask<bool>(this, _wake.Version);
        }
    }

    /// <summary>Writer loop only: everything appended so far; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Take(out int marked)
    {
        lock (_lock)
        {
            var batch = _filling;
            _filling = _draining.Capacity > RetainedCapacity ? new ArrayBufferWriter<byte>(InitialCapacity) : _draining;
            _filling.ResetWrittenCount();
            _draining = batch;
            marked = _fillingMarked;
            _fillingMarked = 0;
            return batch.WrittenMemory;
        }
    }

    /// <summary>Refuses further frames; the writer loop still gets what was appended before.</summary>
    public void Complete()
    {
        bool wake;
        lock (_lock)
        {
            _completed = true;
            wake = _writerWaiting;
            _writerWaiting = false;
        }
        if (wake)
        {
            _wake.SetResult(false);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);
}
