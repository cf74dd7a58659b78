using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// The server side of one silo connection after its handshake. The read loop hands each request to the
/// <see cref="ISiloMessageHandler"/> without awaiting it, and stops reading while
/// <see cref="SiloTransportOptions.MaxInFlightPerConnection"/> requests are unanswered, so a fast peer is slowed by TCP
/// instead of buffered. Responses and pongs go through a <see cref="FrameOutbox"/> drained by one writer loop; a
/// request's slot frees once its response is flushed. When Kestrel asks the connection to close (host shutdown), it
/// stops reading, lets the requests it took finish and sends their responses before closing.
/// </summary>
/// <remarks>The payload given to the handler is a pooled buffer, valid until the handler's task completes.</remarks>
internal sealed class InboundSiloConnection
{
    private readonly ConnectionContext _connection;
    private readonly string _remote;
    private readonly ISiloMessageHandler _handler;
    private readonly ILogger _logger;
    private readonly FrameOutbox _outbox = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationToken _closedToken;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxFrameBytes;
    private readonly int _maxPayloadBytes;
    private int _running;
    private int _draining;

    public InboundSiloConnection(ConnectionContext connection, string remote, ISiloMessageHandler handler, SiloTransportOptions options, ILogger logger)
    {
        _connection = connection;
        _remote = remote;
        _handler = handler;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxInFlightPerConnection);
        _closedToken = _closed.Token;
        _maxFrameBytes = options.MaxFrameBytes;
        _maxPayloadBytes = FrameCodec.MaxPayloadBytes(options.MaxFrameBytes);
    }

    /// <summary>Serves the connection until the peer leaves, breaks the protocol, or Kestrel closes it.</summary>
    public async Task RunAsync()
    {
        var input = _connection.Transport.Input;
        var writing = WriteLoopAsync();
        var lifetime = _connection.Features.Get<IConnectionLifetimeNotificationFeature>();
        using var closeRequested = lifetime?.ConnectionClosedRequested.UnsafeRegister(static s => ((PipeReader)s!).CancelPendingRead(), input) ?? default;
        using var aborted = _connection.ConnectionClosed.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _closed);
        var graceful = false;
        var reason = "the peer closed the connection";
        try
        {
            graceful = await ReadLoopAsync(input).ConfigureAwait(false);
            if (graceful)
            {
                reason = "the server is closing";
                _logger.InboundDraining(_remote, Volatile.Read(ref _running));
                await DrainAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            reason = "the connection was aborted";
        }
        catch (FrameTooLargeException ex)
        {
            _logger.FrameTooLarge(_remote, ex.Length, ex.MaxFrameBytes);
            reason = ex.Message;
        }
        catch (InvalidDataException ex)
        {
            _logger.ProtocolViolation(_remote, ex.Message);
            reason = ex.Message;
        }
        catch (IOException ex)
        {
            reason = ex.Message;
        }
        finally
        {
            // Handlers still running learn that nobody waits for their answer any more.
            _closed.Cancel();
            _outbox.Complete();
            if (!graceful)
            {
                _connection.Transport.Output.CancelPendingFlush();
            }
            await writing.ConfigureAwait(false);
            _logger.InboundClosed(_remote, reason);
        }
    }

    /// <summary>Returns true when Kestrel asked the connection to close, false when the peer closed it.</summary>
    private async Task<bool> ReadLoopAsync(PipeReader input)
    {
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            while (FrameCodec.TryRead(ref buffer, _maxFrameBytes, out var kind, out var id, out var payload))
            {
                switch (kind)
                {
                    case FrameKind.Request:
                        // At the limit nothing more is read until a response is flushed: back-pressure through TCP.
                        if (!_slots.Wait(0))
                        {
                            await _slots.WaitAsync(_closedToken).ConfigureAwait(false);
                        }
                        Dispatch(id, payload);
                        break;
                    case FrameKind.Ping:
                        _outbox.TryAppend(FrameKind.Pong, id, default);
                        break;
                    default:
                        throw new InvalidDataException($"it sent a {kind} frame to a server");
                }
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCanceled)
            {
                return true;
            }
            if (result.IsCompleted)
            {
                return false;
            }
        }
    }

    private void Dispatch(long id, in ReadOnlySequence<byte> payload)
    {
        var length = (int)payload.Length;
        var copy = ArrayPool<byte>.Shared.Rent(length);
        payload.CopyTo(copy);
        Interlocked.Increment(ref _running);
        ValueTask<byte[]> handling;
        try
        {
            handling = _handler.HandleRequestAsync(copy.AsMemory(0, length), _closedToken);
        }
        catch (Exception ex)
        {
            Failed(ex, copy);
            return;
        }
        if (handling.IsCompletedSuccessfully)
        {
            Respond(id, handling.Result, copy);
        }
        else
        {
            _ = RespondWhenHandledAsync(id, handling, copy);
        }
    }

    private async Task RespondWhenHandledAsync(long id, ValueTask<byte[]> handling, byte[] copy)
    {
        byte[] response;
        try
        {
            response = await handling.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failed(ex, copy);
            return;
        }
        Respond(id, response, copy);
    }

    private void Respond(long id, byte[] response, byte[] copy)
    {
        ArrayPool<byte>.Shared.Return(copy);
        if (response.Length > _maxPayloadBytes)
        {
            // Sending it would make the peer drop the connection and every request on it; this one times out instead.
            _logger.ResponseTooLarge(_remote, response.Length, _maxFrameBytes);
            _slots.Release();
        }
        else
        {
            _outbox.TryAppend(FrameKind.Response, id, response, mark: true);
        }
        Finished();
    }

    private void Failed(Exception exception, byte[] copy)
    {
        ArrayPool<byte>.Shared.Return(copy);
        if (!(exception is OperationCanceledException && _closedToken.IsCancellationRequested))
        {
            _logger.HandlerFailed(exception, _remote);
        }
        _slots.Release();
        Finished();
    }

    private void Finished()
    {
        if (Interlocked.Decrement(ref _running) == 0 && Volatile.Read(ref _draining) == 1)
        {
            _drained.TrySetResult();
        }
    }

    private Task DrainAsync()
    {
        Interlocked.Exchange(ref _draining, 1);
        return Volatile.Read(ref _running) == 0 ? Task.CompletedTask : _drained.Task.WaitAsync(_closedToken);
    }

    private async Task WriteLoopAsync()
    {
        var output = _connection.Transport.Output;
        try
        {
            while (await _outbox.WaitToTakeAsync().ConfigureAwait(false))
            {
                var batch = _outbox.Take(out var responses);
                var flushed = await output.WriteAsync(batch).ConfigureAwait(false);
                if (responses > 0)
                {
                    _slots.Release(responses);
                }
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is gone; the read loop sees it too.
        }
        if (!_closedToken.IsCancellationRequested)
        {
            // Responses that can't be written would pile up and hold their slots: end the connection.
            _outbox.Complete();
            _connection.Abort();
        }
    }
}
