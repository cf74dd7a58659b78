namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// What a silo does with a request frame that arrived from another silo (after the handshake). The transport moves
/// bytes; the runtime decodes grain calls from them and encodes the outcome.
/// </summary>
internal interface ISiloMessageHandler
{
    /// <summary>
    /// Handles one request payload and returns the response payload, sent back under the same correlation id.
    /// Must not throw: failures are encoded in the returned payload. <paramref name="cancellationToken"/> fires
    /// when the connection closes.
    /// </summary>
    ValueTask<byte[]> HandleRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
