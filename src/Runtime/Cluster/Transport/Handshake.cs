using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// Mutual proof, before any frame, that both ends belong to the same cluster and know its shared secret:
/// <code>
/// server → client   "GRNY" | version | serverNonce(32)
/// client → server   idLength(2, LE) | clusterId(UTF-8) | clientNonce(32) | HMAC(secret, "client" | serverNonce | clientNonce | clusterId)
/// server → client   HMAC(secret, "server" | clientNonce | serverNonce | clusterId)
/// </code>
/// Fresh nonces on both sides defeat replays; the "client"/"server" labels keep one side's proof from being
/// reflected back as the other's. A server that refuses simply closes the connection, telling a stranger nothing.
/// </summary>
internal sealed class Handshake
{
    private const byte ProtocolVersion = 1;
    private const int NonceBytes = 32;
    private const int MacBytes = 32;
    private const int MaxClusterIdBytes = 256;
    private const int GreetingBytes = 5 + NonceBytes;

    private readonly byte[] _key;
    private readonly byte[] _clusterId;
    private readonly string _clusterIdText;

    /// <exception cref="InvalidOperationException">The shared secret or cluster id is missing.</exception>
    public Handshake(SiloTransportOptions options)
    {
        if (string.IsNullOrEmpty(options.SharedSecret))
        {
            throw new InvalidOperationException(
                "Granary:Cluster:SharedSecret is not set: silos prove to each other that they belong to the cluster with this secret, so it is required (the same value on every silo).");
        }
        if (string.IsNullOrEmpty(options.ClusterId) || Encoding.UTF8.GetByteCount(options.ClusterId) > MaxClusterIdBytes)
        {
            throw new InvalidOperationException($"Granary:Cluster:ClusterId must be 1 to {MaxClusterIdBytes} UTF-8 bytes.");
        }
        _key = Encoding.UTF8.GetBytes(options.SharedSecret);
        _clusterId = Encoding.UTF8.GetBytes(options.ClusterId);
        _clusterIdText = options.ClusterId;
    }

    private static ReadOnlySpan<byte> Magic => "GRNY"u8;

    /// <summary>Server side. Returns when the client is proven; throws <see cref="HandshakeException"/> with the reason otherwise.</summary>
    public async Task AcceptAsync(PipeReader input, PipeWriter output, CancellationToken cancellationToken)
    {
        var serverNonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var greeting = new byte[GreetingBytes];
        Magic.CopyTo(greeting);
        greeting[4] = ProtocolVersion;
        serverNonce.CopyTo(greeting, 5);
        await output.WriteAsync(greeting, cancellationToken).ConfigureAwait(false);

        var idLength = BinaryPrimitives.ReadUInt16LittleEndian(await ReadExactlyAsync(input, 2, cancellationToken).ConfigureAwait(false));
        if (idLength is 0 or > MaxClusterIdBytes)
        {
            throw new HandshakeException($"the cluster id length {idLength} is out of range (not a Granary silo?)");
        }
        var hello = await ReadExactlyAsync(input, idLength + NonceBytes + MacBytes, cancellationToken).ConfigureAwait(false);
        if (!hello.AsSpan(0, idLength).SequenceEqual(_clusterId))
        {
            throw new HandshakeException($"its cluster id '{Encoding.UTF8.GetString(hello, 0, idLength)}' is not '{_clusterIdText}'");
        }
        var clientNonce = hello[idLength..(idLength + NonceBytes)];
        var expected = Mac("client"u8, serverNonce, clientNonce);
        if (!CryptographicOperations.FixedTimeEquals(expected, hello.AsSpan(idLength + NonceBytes, MacBytes)))
        {
            throw new HandshakeException("its proof does not match the shared secret");
        }
        await output.WriteAsync(Mac("server"u8, clientNonce, serverNonce), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Client side. Returns when the server is proven; throws <see cref="HandshakeException"/> with the reason otherwise.</summary>
    public async Task ConnectAsync(PipeReader input, Stream output, CancellationToken cancellationToken)
    {
        var greeting = await ReadExactlyAsync(input, GreetingBytes, cancellationToken).ConfigureAwait(false);
        if (!greeting.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new HandshakeException("the peer is not a Granary silo (no GRNY greeting)");
        }
        if (greeting[4] != ProtocolVersion)
        {
            throw new HandshakeException($"the peer speaks protocol version {greeting[4]}, this silo {ProtocolVersion}");
        }
        var serverNonce = greeting[5..];
        var clientNonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var hello = new byte[2 + _clusterId.Length + NonceBytes + MacBytes];
        BinaryPrimitives.WriteUInt16LittleEndian(hello, (ushort)_clusterId.Length);
        _clusterId.CopyTo(hello, 2);
        clientNonce.CopyTo(hello, 2 + _clusterId.Length);
        Mac("client"u8, serverNonce, clientNonce).CopyTo(hello, 2 + _clusterId.Length + NonceBytes);
        await output.WriteAsync(hello, cancellationToken).ConfigureAwait(false);

        byte[] proof;
        try
        {
            proof = await ReadExactlyAsync(input, MacBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (HandshakeException)
        {
            throw new HandshakeException($"the server refused this silo (is the cluster id '{_clusterIdText}' and the shared secret the same on both?)");
        }
        if (!CryptographicOperations.FixedTimeEquals(proof, Mac("server"u8, clientNonce, serverNonce)))
        {
            throw new HandshakeException("the server's proof does not match the shared secret");
        }
    }

    private byte[] Mac(ReadOnlySpan<byte> label, ReadOnlySpan<byte> firstNonce, ReadOnlySpan<byte> secondNonce)
    {
        var message = new byte[label.Length + firstNonce.Length + secondNonce.Length + _clusterId.Length];
        label.CopyTo(message);
        firstNonce.CopyTo(message.AsSpan(label.Length));
        secondNonce.CopyTo(message.AsSpan(label.Length + firstNonce.Length));
        _clusterId.CopyTo(message, label.Length + firstNonce.Length + secondNonce.Length);
        return HMACSHA256.HashData(_key, message);
    }

    private static async ValueTask<byte[]> ReadExactlyAsync(PipeReader input, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                var bytes = buffer.Slice(0, count).ToArray();
                input.AdvanceTo(buffer.GetPosition(count));
                return bytes;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new HandshakeException("the connection closed during the handshake");
            }
        }
    }
}
