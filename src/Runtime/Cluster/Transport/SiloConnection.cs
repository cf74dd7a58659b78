using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// One outgoing TCP connection to a silo, opened by <see cref="SiloConnectionPool"/> after the handshake. Requests
/// are multiplexed under increasing correlation ids; at most <see cref="SiloTransportOptions.MaxInFlightPerConnection"/>
/// await their response and further senders queue for a slot in arrival order. Pings bypass that window, so failure
/// detection never waits behind a busy connection. When the connection breaks, everything pending fails at once.
/// </summary>
internal sealed class SiloConnection
{
    private readonly object _lock = new();
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly Queue<PendingRequest> _waiting = new();
    private readonly List<PendingRequest> _expired = [];
    private readonly FrameOutbox _outbox = new();
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly int _maxInFlight;
    private readonly int _maxFrameBytes;
    private readonly ILogger _logger;
    private long _lastId;
    private int _inFlight;
    private bool _isClosed;
    private string _closeReason = "";

    private SiloConnection(SiloAddress target, Socket socket, NetworkStream stream, PipeReader input, SiloTransportOptions options, ILogger logger)
    {
        Target = target;
        _socket = socket;
        _stream = stream;
        _input = input;
        _maxInFlight = options.MaxInFlightPerConnection;
        _maxFrameBytes = options.MaxFrameBytes;
        _logger = logger;
        // The loops outlive the send that opened the connection: they must not carry its AsyncLocals (request context).
        using (ExecutionContext.SuppressFlow())
        {
            Completion = Task.WhenAll(Task.Run(ReadLoopAsync), Task.Run(WriteLoopAsync));
        }
    }

    /// <summary>The silo at the other end.</summary>
    public SiloAddress Target { get; }

    /// <summary>True once the connection broke or was closed; the pool then opens a new one for the next send.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed);

    /// <summary>Completes when the connection is closed and its read and write loops have ended.</summary>
    public Task Completion { get; }

    /// <summary>Connects to <paramref name="target"/> with TCP_NODELAY and runs the client side of the handshake.</summary>
    public static async Task<SiloConnection> ConnectAsync(
        SiloAddress target, SiloTransportOptions options, Handshake handshake, ILogger logger, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        PipeReader? input = null;
        try
        {
            await socket.ConnectAsync(target.Host, target.Port, cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
            await handshake.ConnectAsync(input, stream, cancellationToken).ConfigureAwait(false);
            return new SiloConnection(target, socket, stream, input, options, logger);
        }
        catch
        {
            if (input is not null)
            {
                await input.CompleteAsync().ConfigureAwait(false);
            }
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request; completes with the response payload, or fails (see <see cref="SiloConnectionPool.SendRequestAsync"/>).</summary>
    public Task<byte[]> SendRequest(ReadOnlyMemory<byte> payload, long deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = new PendingRequest(deadline, timeout, countsTowardLimit: true);
        lock (_lock)
        {
            if (_isClosed)
            {
                return Task.FromException<byte[]>(Closed());
            }
            if (_inFlight < _maxInFlight && _waiting.Count == 0)
            {
                _inFlight++;
                SendLocked(request, FrameKind.Request, payload.Span);
            }
            else
            {
                // The caller awaits this task, so its payload stays untouched until a slot frees and it is copied.
                request.Payload = payload;
                _waiting.Enqueue(request);
            }
        }
        return cancellationToken.CanBeCanceled ? WithCancellationAsync(request, cancellationToken) : request.Task;
    }

    /// <summary>Sends a ping outside the in-flight window; completes (with an empty payload) when the pong arrives.</summary>
    public Task<byte[]> Ping(long deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = new PendingRequest(deadline, timeout, countsTowardLimit: false);
        lock (_lock)
        {
            if (_isClosed)
            {
                return Task.FromException<byte[]>(Closed());
            }
            SendLocked(request, FrameKind.Ping, default);
        }
        return cancellationToken.CanBeCanceled ? WithCancellationAsync(request, cancellationToken) : request.Task;
    }

    /// <summary>Fails every request (sent or waiting for a slot) whose deadline is at or before <paramref name="now"/>. Called by the pool's single sweeper.</summary>
    public void ExpireRequests(long now)
    {
        lock (_lock)
        {
            if (_pending.Count == 0 && _waiting.Count == 0)
            {
                return;
            }
            foreach (var request in _waiting)
            {
                if (request.State == PendingState.Waiting && request.Deadline <= now)
                {
                    request.State = PendingState.Done;
                    request.Payload = default;
                    _expired.Add(request);
                }
            }
            var waitingExpired = _expired.Count;
            foreach (var request in _pending.Values)
            {
                if (request.Deadline <= now)
                {
                    _expired.Add(request);
                }
            }
            for (var i = waitingExpired; i < _expired.Count; i++)
            {
                var request = _expired[i];
                _pending.Remove(request.Id);
                request.State = PendingState.Done;
                if (request.CountsTowardLimit)
                {
                    ReleaseSlotLocked();
                }
            }
        }
        if (_expired.Count == 0)
        {
            return;
        }
        foreach (var request in _expired)
        {
            request.TrySetException(new GrainCallTimeoutException($"Silo {Target} did not answer within {request.Timeout}."));
        }
        _expired.Clear();
    }

    /// <summary>Closes the connection; everything pending fails with <see cref="SiloUnavailableException"/> carrying <paramref name="reason"/>.</summary>
    public void Close(string reason) => Close(reason, cause: null, remote: false);

    private void Close(string reason, Exception? cause, bool remote)
    {
        List<PendingRequest> failed;
        lock (_lock)
        {
            if (_isClosed)
            {
                return;
            }
            Volatile.Write(ref _isClosed, true);
            _closeReason = reason;
            failed = new List<PendingRequest>(_pending.Count + _waiting.Count);
            foreach (var request in _pending.Values)
            {
                request.State = PendingState.Done;
                failed.Add(request);
            }
            foreach (var request in _waiting)
            {
                if (request.State == PendingState.Waiting)
                {
                    request.State = PendingState.Done;
                    request.Payload = default;
                    failed.Add(request);
                }
            }
            _pending.Clear();
            _waiting.Clear();
            _inFlight = 0;
        }
        if (remote)
        {
            _logger.ConnectionLost(cause, Target, reason, failed.Count);
        }
        _outbox.Complete();
        _socket.Dispose();
        foreach (var request in failed)
        {
            var message = $"The connection to silo {Target} closed ({reason}) before the response arrived.";
            request.TrySetException(cause is null ? new SiloUnavailableException(message) : new SiloUnavailableException(message, cause));
        }
    }

    private SiloUnavailableException Closed() => new($"The connection to silo {Target} is closed ({_closeReason}).");

    private void SendLocked(PendingRequest request, FrameKind kind, ReadOnlySpan<byte> payload)
    {
        request.Id = ++_lastId;
        request.State = PendingState.Sent;
        _pending.Add(request.Id, request);
        _outbox.TryAppend(kind, request.Id, payload);
    }

    /// <summary>A sent request is done: its slot passes to the first sender still waiting, or becomes free.</summary>
    private void ReleaseSlotLocked()
    {
        while (_waiting.TryDequeue(out var next))
        {
            if (next.State == PendingState.Waiting)
            {
                SendLocked(next, FrameKind.Request, next.Payload.Span);
                next.Payload = default;
                return;
            }
        }
        _inFlight--;
    }

    private void OnResponse(long id, in ReadOnlySequence<byte> payload)
    {
        PendingRequest? request;
        lock (_lock)
        {
            if (!_pending.Remove(id, out request))
            {
                return; // expired or canceled meanwhile
            }
            request.State = PendingState.Done;
            if (request.CountsTowardLimit)
            {
                ReleaseSlotLocked();
            }
        }
        request.TrySetResult(payload.IsEmpty ? [] : payload.ToArray());
    }

    private void Cancel(PendingRequest request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            switch (request.State)
            {
                case PendingState.Waiting:
                    request.State = PendingState.Done;
                    request.Payload = default;
                    break;
                case PendingState.Sent:
                    _pending.Remove(request.Id);
                    request.State = PendingState.Done;
                    if (request.CountsTowardLimit)
                    {
                        ReleaseSlotLocked();
                    }
                    break;
                default:
                    return;
            }
        }
        request.TrySetCanceled(cancellationToken);
    }

    private async Task<byte[]> WithCancellationAsync(PendingRequest request, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister((_, token) => Cancel(request, token), null))
        {
            return await request.Task.ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync()
    {
        var reason = "the silo closed the connection";
        Exception? cause = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (FrameCodec.TryRead(ref buffer, _maxFrameBytes, out var kind, out var id, out var payload))
                {
                    if (kind is not (FrameKind.Response or FrameKind.Pong))
                    {
                        throw new InvalidDataException($"the silo sent a {kind} frame on a client connection");
                    }
                    OnResponse(id, payload);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (FrameTooLargeException ex)
        {
            _logger.FrameTooLarge(Target.ToString(), ex.Length, ex.MaxFrameBytes);
            (reason, cause) = (ex.Message, ex);
        }
        catch (Exception ex)
        {
            (reason, cause) = (ex.Message, ex);
        }
        await _input.CompleteAsync().ConfigureAwait(false);
        Close(reason, cause, remote: true);
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _outbox.WaitToTakeAsync().ConfigureAwait(false))
            {
                await _stream.WriteAsync(_outbox.Take(out _)).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Close($"writing failed: {ex.Message}", ex, remote: true);
        }
    }
}
