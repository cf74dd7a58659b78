using System.Runtime.ExceptionServices;

namespace Granary.Grains;

/// <summary>
/// The state writes of a hot grain whose calls interleave, coalesced: a call applies its change to the in-memory
/// state in its own turn, then waits for <see cref="Changed"/>, which completes once a write that includes the change
/// is stored. While one write is in flight the changes applied meanwhile wait for the next, which stores them all, so
/// the grain is not held to one change per storage round trip. One write at a time, always on the activation's
/// scheduler (the loop is started from a grain turn and only resumes there).
/// </summary>
/// <remarks>
/// After a failed write every change waiting on it or on the next write fails, and so does every later call
/// (<see cref="ThrowIfFailed"/>): the in-memory state holds changes that are not stored, so nothing more may be
/// acknowledged from it. Granary's storage deactivates an activation whose write failed; the next activation starts
/// from the stored state.
/// </remarks>
internal sealed class CoalescedWrites(Func<Task> write)
{
    private TaskCompletionSource? _next;
    private TaskCompletionSource? _writing;
    private Exception? _failed;

    /// <summary>Call after applying a change: completes once a write that includes it is stored.</summary>
    public Task Changed()
    {
        if (_failed is { } failed)
        {
            return Task.FromException(failed);
        }
        var next = _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_writing is null)
        {
            _ = WriteAllAsync();
        }
        return next.Task;
    }

    /// <summary>
    /// Call when a repeated request changed nothing: completes once every change applied so far is stored (the
    /// first request's change may still be waiting for its write).
    /// </summary>
    public Task Unchanged() => _failed is { } failed
        ? Task.FromException(failed)
        : _next?.Task ?? _writing?.Task ?? Task.CompletedTask;

    /// <summary>
    /// Throws the failure of an earlier write (as it was thrown, so callers map it as they map a failed write):
    /// nothing may be applied on state that isn't what is stored.
    /// </summary>
    public void ThrowIfFailed()
    {
        if (_failed is { } failed)
        {
            ExceptionDispatchInfo.Throw(failed);
        }
    }

    private async Task WriteAllAsync()
    {
        while (_next is { } batch)
        {
            _next = null;
            _writing = batch;
            try
            {
                await write();
                batch.TrySetResult();
            }
            catch (Exception exception)
            {
                _failed = exception;
                batch.TrySetException(exception);
                _next?.TrySetException(exception);
                _next = null;
            }
            finally
            {
                _writing = null;
            }
        }
    }
}
