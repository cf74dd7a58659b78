using System.Buffers;
using System.Buffers.Binary;

namespace Granary.Runtime.Cluster.Transport;

/// <summary>
/// The frame format: a 4-byte little-endian length of the rest, a 1-byte <see cref="FrameKind"/>, an 8-byte
/// little-endian correlation id, then the payload. The length counts kind, id and payload, and is what
/// <see cref="SiloTransportOptions.MaxFrameBytes"/> limits.
/// </summary>
internal static class FrameCodec
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderBytes = 13;

    /// <summary>Kind and correlation id: the smallest value of the length field.</summary>
    private const int MinLength = HeaderBytes - sizeof(int);

    /// <summary>Writes one frame into <paramref name="destination"/>, which must hold <see cref="HeaderBytes"/> plus the payload.</summary>
    public static void Write(Span<byte> destination, FrameKind kind, long correlationId, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, MinLength + payload.Length);
        destination[4] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[5..], correlationId);
        payload.CopyTo(destination[HeaderBytes..]);
    }

    /// <summary>The largest payload a frame may carry under <paramref name="maxFrameBytes"/>.</summary>
    public static int MaxPayloadBytes(int maxFrameBytes) => maxFrameBytes - MinLength;

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>, or returns false when more bytes are needed
    /// (leaving the buffer as it was). <paramref name="payload"/> slices the buffer: it is valid until the reader advances.
    /// </summary>
    /// <exception cref="InvalidDataException">The length field is below the header or the kind is unknown.</exception>
    /// <exception cref="FrameTooLargeException">The length field exceeds <paramref name="maxFrameBytes"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out FrameKind kind, out long correlationId, out ReadOnlySequence<byte> payload)
    {
        kind = default;
        correlationId = 0;
        payload = default;
        if (buffer.Length < HeaderBytes)
        {
            // A length field alone is enough to refuse an oversize frame before buffering it.
            if (buffer.Length >= sizeof(int))
            {
                Span<byte> prefix = stackalloc byte[sizeof(int)];
                buffer.Slice(0, sizeof(int)).CopyTo(prefix);
                CheckLength(BinaryPrimitives.ReadInt32LittleEndian(prefix), maxFrameBytes);
            }
            return false;
        }

        Span<byte> copy = stackalloc byte[HeaderBytes];
        scoped ReadOnlySpan<byte> header = buffer.FirstSpan;
        if (header.Length < HeaderBytes)
        {
            buffer.Slice(0, HeaderBytes).CopyTo(copy);
            header = copy;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        CheckLength(length, maxFrameBytes);
        var frameKind = (FrameKind)header[4];
        if (frameKind is < FrameKind.Request or > FrameKind.Pong)
        {
            throw new InvalidDataException($"Unknown frame kind {header[4]}.");
        }
        var total = (long)sizeof(int) + length;
        if (buffer.Length < total)
        {
            return false;
        }
        kind = frameKind;
        correlationId = BinaryPrimitives.ReadInt64LittleEndian(header[5..]);
        payload = buffer.Slice(HeaderBytes, length - MinLength);
        buffer = buffer.Slice(total);
        return true;
    }

    private static void CheckLength(int length, int maxFrameBytes)
    {
        if (length < MinLength)
        {
            throw new InvalidDataException($"Frame length {length} is below the {MinLength}-byte header.");
        }
        if (length > maxFrameBytes)
        {
            throw new FrameTooLargeException(length, maxFrameBytes);
        }
    }
}
