using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Granary.Runtime.Placement;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// The client side of the silo transport: one <see cref="SiloConnection"/> per target silo, opened on first use
/// (concurrent first sends share the attempt) and replaced on the next send once it breaks. Failed requests are not
/// retried: the caller decides. One sweeper per pool fails requests past their deadline every
/// <see cref="SiloTransportOptions.DeadlineCheckInterval"/>, so no request owns a timer.
/// </summary>
internal sealed class SiloConnectionPool : IAsyncDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(uint.MaxValue - 2);

    private readonly ConcurrentDictionary<SiloAddress, Entry> _entries = new();
    private readonly object _lock = new();
    private readonly SiloTransportOptions _options;
    private readonly Handshake _handshake;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _sweeper;
    private readonly int _maxPayloadBytes;
    private bool _disposed;

    /// <exception cref="InvalidOperationException"><see cref="SiloTransportOptions.SharedSecret"/> is not set.</exception>
    public SiloConnectionPool(SiloTransportOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _handshake = new Handshake(options);
        _time = time;
        _logger = loggers.CreateLogger<SiloConnectionPool>();
        _maxPayloadBytes = FrameCodec.MaxPayloadBytes(options.MaxFrameBytes);
        using (ExecutionContext.SuppressFlow())
        {
            _sweeper = time.CreateTimer(static s => ((SiloConnectionPool)s!).Sweep(), this, options.DeadlineCheckInterval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Sends <paramref name="payload"/> to <paramref name="target"/> and completes with the response payload. Fails with
    /// <see cref="GrainCallTimeoutException"/> once <paramref name="timeout"/> has passed (give
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none), <see cref="SiloUnavailableException"/> when the connection can't
    /// be opened or breaks, <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// The payload is copied before the request is sent; until then (a full in-flight window) it must stay unchanged.
    /// </summary>
    public Task<byte[]> SendRequestAsync(SiloAddress target, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, _maxPayloadBytes, nameof(payload));
        var deadline = Deadline(timeout);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<byte[]>(cancellationToken);
        }
        return TryGetOpen(target, out var connection)
            ? connection.SendRequest(payload, deadline, timeout, cancellationToken)
            : ConnectAndSendAsync(target, payload, deadline, timeout, cancellationToken);
    }

    /// <summary>
    /// Round-trip time of a ping to <paramref name="target"/>, failing like <see cref="SendRequestAsync"/>. Pings don't
    /// wait for room in the in-flight window: failure detection must not mistake a busy silo for a dead one.
    /// </summary>
    public async Task<TimeSpan> PingAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var deadline = Deadline(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        if (!TryGetOpen(target, out var connection))
        {
            connection = await ConnectAsync(target, timeout, cancellationToken).ConfigureAwait(false);
        }
        var start = _time.GetTimestamp();
        await connection.Ping(deadline, timeout, cancellationToken).ConfigureAwait(false);
        return _time.GetElapsedTime(start);
    }

    /// <summary>Closes the connection to <paramref name="target"/> (say, declared dead); its pending requests fail with <see cref="SiloUnavailableException"/>.</summary>
    public void Disconnect(SiloAddress target)
    {
        if (_entries.TryRemove(target, out var entry))
        {
            _logger.Disconnected(target);
            entry.Abort();
        }
    }

    /// <summary>Closes every connection, failing their pending requests, and waits for their loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _sweeper.Dispose();
        var closing = new List<Task>();
        foreach (var pair in _entries)
        {
            pair.Value.Abort();
            closing.Add(pair.Value.WhenClosedAsync());
        }
        _entries.Clear();
        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    private async Task<byte[]> ConnectAndSendAsync(SiloAddress target, ReadOnlyMemory<byte> payload, long deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(target, timeout, cancellationToken).ConfigureAwait(false);
        return await connection.SendRequest(payload, deadline, timeout, cancellationToken).ConfigureAwait(false);
    }

    private bool TryGetOpen(SiloAddress target, [NotNullWhen(true)] out SiloConnection? connection)
    {
        if (_entries.TryGetValue(target, out var entry) && entry.Connecting.IsCompletedSuccessfully)
        {
            connection = entry.Connecting.Result;
            if (!connection.IsClosed)
            {
                return true;
            }
        }
        connection = null;
        return false;
    }

    /// <summary>Waits for the shared connect attempt, within this caller's own timeout and token.</summary>
    private async Task<SiloConnection> ConnectAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            // Task.WaitAsync takes at most about 49 days; a longer timeout is as good as none.
            var wait = timeout > MaxWait ? Timeout.InfiniteTimeSpan : timeout;
            return await GetOrStartConnecting(target).WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex) when (ex is not GrainCallTimeoutException)
        {
            throw new GrainCallTimeoutException($"Silo {target} did not answer within {timeout}: the connection was still opening.", ex);
        }
    }

    private Task<SiloConnection> GetOrStartConnecting(SiloAddress target)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGetValue(target, out var entry) && !entry.IsBroken)
            {
                return entry.Connecting;
            }
            entry = new Entry(target, this);
            entry.Connecting = OpenAsync(entry);
            _entries[target] = entry;
            return entry.Connecting;
        }
    }

    private async Task<SiloConnection> OpenAsync(Entry entry)
    {
        var target = entry.Target;
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, entry.Aborted.Token);
            var connection = await SiloConnection.ConnectAsync(target, _options, _handshake, _logger, linked.Token).ConfigureAwait(false);
            // Disconnect may have raced with the end of the handshake: registering on a cancelled token closes at once.
            entry.Aborted.Token.UnsafeRegister(static s => ((SiloConnection)s!).Close("disconnected"), connection);
            _ = connection.Completion.ContinueWith(
                static (_, s) => ((Entry)s!).Pool._entries.TryRemove(KeyValuePair.Create(((Entry)s!).Target, (Entry)s!)),
                entry, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _logger.Connected(target);
            return connection;
        }
        catch (Exception ex)
        {
            _entries.TryRemove(KeyValuePair.Create(target, entry));
            var reason = ex switch
            {
                OperationCanceledException when entry.Aborted.IsCancellationRequested => "disconnected",
                OperationCanceledException => $"no connection and handshake within {_options.ConnectTimeout}",
                HandshakeException => $"handshake failed: {ex.Message}",
                _ => ex.Message,
            };
            _logger.ConnectFailed(target, reason);
            throw new SiloUnavailableException($"Cannot connect to silo {target}: {reason}.", ex) { NeverSent = true };
        }
    }

    private void Sweep()
    {
        try
        {
            var now = _time.GetTimestamp();
            foreach (var pair in _entries)
            {
                var connecting = pair.Value.Connecting;
                if (connecting.IsCompletedSuccessfully)
                {
                    connecting.Result.ExpireRequests(now);
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                if (!_disposed)
                {
                    _sweeper.Change(_options.DeadlineCheckInterval, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private long Deadline(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return long.MaxValue;
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var now = _time.GetTimestamp();
        var ticks = timeout.TotalSeconds * _time.TimestampFrequency;
        return ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
    }

    /// <summary>A target's connection, or the attempt to open it.</summary>
    private sealed class Entry(SiloAddress target, SiloConnectionPool pool)
    {
        public SiloAddress Target { get; } = target;

        public SiloConnectionPool Pool { get; } = pool;

        /// <summary>Cancelled by <see cref="Disconnect"/> and disposal: stops the attempt or closes the connection.</summary>
        public CancellationTokenSource Aborted { get; } = new();

        public Task<SiloConnection> Connecting { get; set; } = null!;

        public bool IsBroken => Connecting.IsFaulted || Connecting.IsCanceled || (Connecting.IsCompletedSuccessfully && Connecting.Result.IsClosed);

        public void Abort() => Aborted.Cancel();

        public async Task WhenClosedAsync()
        {
            try
            {
                var connection = await Connecting.ConfigureAwait(false);
                await connection.Completion.ConfigureAwait(false);
            }
            catch (SiloUnavailableException)
            {
                // The attempt was aborted or failed: nothing to wait for.
            }
        }
    }
}
