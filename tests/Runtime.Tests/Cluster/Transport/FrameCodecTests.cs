using System.Buffers;
using Granary.Runtime.Cluster.Transport;

namespace Granary.Runtime.Tests.Cluster.Transport;

public sealed class FrameCodecTests
{
    private static byte[] Frame(FrameKind kind, long id, byte[] payload)
    {
        var frame = new byte[FrameCodec.HeaderBytes + payload.Length];
        FrameCodec.Write(frame, kind, id, payload);
        return frame;
    }

    [Fact]
    public void Write_LaysOutLengthKindIdAndPayload_LittleEndian()
    {
        var frame = Frame(FrameKind.Response, 0x0102030405060708, [0xAA, 0xBB]);

        Assert.Equal(new byte[] { 11, 0, 0, 0, 2, 8, 7, 6, 5, 4, 3, 2, 1, 0xAA, 0xBB }, frame);
    }

    [Fact]
    public void TryRead_TakesFramesSplitAcrossSegments_OneAtATime()
    {
        var bytes = Frame(FrameKind.Request, 7, [1, 2, 3]).Concat(Frame(FrameKind.Ping, 8, [])).ToArray();
        var buffer = Segmented(bytes, 2);

        Assert.True(FrameCodec.TryRead(ref buffer, 1024, out var kind, out var id, out var payload));
        Assert.Equal((FrameKind.Request, 7L), (kind, id));
        Assert.Equal(new byte[] { 1, 2, 3 }, payload.ToArray());
        Assert.True(FrameCodec.TryRead(ref buffer, 1024, out kind, out id, out payload));
        Assert.Equal((FrameKind.Ping, 8L, 0L), (kind, id, payload.Length));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_LeavesAnIncompleteFrameWhereItWas()
    {
        var bytes = Frame(FrameKind.Request, 1, new byte[100]);
        var buffer = new ReadOnlySequence<byte>(bytes, 0, 50);

        Assert.False(FrameCodec.TryRead(ref buffer, 1024, out _, out _, out _));
        Assert.Equal(50, buffer.Length);
    }

    [Fact]
    public void TryRead_RefusesAnOversizeFrame_FromItsLengthAlone()
    {
        var buffer = new ReadOnlySequence<byte>(Frame(FrameKind.Request, 1, new byte[2000]), 0, 4);

        var error = Assert.Throws<FrameTooLargeException>(() => FrameCodec.TryRead(ref buffer, 1024, out _, out _, out _));
        Assert.Equal(2009, error.Length);
    }

    [Fact]
    public void TryRead_RefusesAnUnknownKind()
    {
        var bytes = Frame(FrameKind.Request, 1, []);
        bytes[4] = 9;
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Throws<InvalidDataException>(() => FrameCodec.TryRead(ref buffer, 1024, out _, out _, out _));
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var segment = new Segment(bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset)), offset);
            first ??= segment;
            last?.Link(segment);
            last = segment;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void Link(Segment next) => Next = next;
    }
}
