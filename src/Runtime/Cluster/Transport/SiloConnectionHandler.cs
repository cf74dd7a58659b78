using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// The server side of the silo transport, plugged into Kestrel with
/// <c>listenOptions.UseConnectionHandler&lt;SiloConnectionHandler&gt;()</c>: runs the handshake within
/// <see cref="SiloTransportOptions.ConnectTimeout"/>, then serves the connection (<see cref="InboundSiloConnection"/>).
/// A peer that fails the handshake is disconnected and logged; none of its bytes reach the message handler.
/// </summary>
internal sealed class SiloConnectionHandler : ConnectionHandler
{
    private readonly ISiloMessageHandler _handler;
    private readonly SiloTransportOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Handshake _handshake;

    /// <exception cref="InvalidOperationException"><see cref="SiloTransportOptions.SharedSecret"/> is not set.</exception>
    /// <remarks>Internal so that activation by <c>UseConnectionHandler</c> (public constructors only) picks the other one.</remarks>
    internal SiloConnectionHandler(ISiloMessageHandler handler, SiloTransportOptions options, ILogger logger, TimeProvider time)
    {
        _handler = handler;
        _options = options;
        _logger = logger;
        _time = time;
        _handshake = new Handshake(options);
    }

    /// <summary>The constructor dependency injection and <c>UseConnectionHandler</c> use.</summary>
    public SiloConnectionHandler(ISiloMessageHandler handler, IOptions<SiloTransportOptions> options, ILoggerFactory loggers, TimeProvider time)
        : this(handler, options.Value, loggers.CreateLogger<SiloConnectionHandler>(), time)
    {
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var remote = connection.RemoteEndPoint?.ToString() ?? connection.ConnectionId;
        using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
        using (var handshakeEnds = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, connection.ConnectionClosed))
        {
            try
            {
                await _handshake.AcceptAsync(connection.Transport.Input, connection.Transport.Output, handshakeEnds.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var reason = ex switch
                {
                    HandshakeException => ex.Message,
                    OperationCanceledException when timeout.IsCancellationRequested => $"no handshake within {_options.ConnectTimeout}",
                    _ => $"the connection failed during the handshake ({ex.Message})",
                };
                _logger.HandshakeRejected(remote, reason);
                return;
            }
        }
        _logger.InboundAccepted(remote);
        await new InboundSiloConnection(connection, remote, _handler, _options, _logger).RunAsync().ConfigureAwait(false);
    }
}
