using System.Buffers;
using System.Text;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// Table tests of <see cref="MetaReplyParser"/>'s framing: what a complete line or reply is, what is consumed, what
/// waits for more bytes and what is rejected, on one buffer and on one-byte segments.
/// </summary>
public sealed class MetaReplyFramingTableTests
{
    /// <summary>The same bytes as a sequence of one-byte segments, so every multi-segment path runs.</summary>
    private static ReadOnlySequence<byte> Segmented(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    [Theory]
    [InlineData("VA 2 f5 c1 t-1 O14 W kab")]
    [InlineData("HD")]
    [InlineData("EN")]
    [InlineData("CLIENT_ERROR x")]
    public void ParseHeader_SegmentedLine_SameAsContiguous(string line)
    {
        var whole = MetaReplyParser.ParseHeader(Encoding.Latin1.GetBytes(line), expectedKey: "ab");
        var segmented = MetaReplyParser.ParseHeader(Segmented(line), expectedKey: "ab");
        Assert.Equal(whole, segmented);
    }

    [Theory]
    [InlineData("HD O1\r\n", true, "HD O1", 7)]
    [InlineData("HD O1\r\nEN\r\n", true, "HD O1", 7)]
    [InlineData("\r\n", true, "", 2)]
    [InlineData("HD O1\r", false, "", 0)]
    [InlineData("HD O1", false, "", 0)]
    [InlineData("", false, "", 0)]
    public void TryReadLine_CompleteOrNot_ConsumesTheWholeLineOrNothing(string text, bool complete, string line, int consumed)
    {
        foreach (var sequence in new[] { new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), Segmented(text) })
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(complete, MetaReplyParser.TryReadLine(ref reader, out var read));
            Assert.Equal(consumed, reader.Consumed);
            if (complete)
            {
                Assert.Equal(line, Encoding.Latin1.GetString(read.ToArray()));
            }
        }
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("HD O1\n")]
    [InlineData("HD\rO1\n")]
    public void TryReadLine_BareNewline_ThrowsAndConsumesNothing(string text)
    {
        foreach (var sequence in new[] { new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), Segmented(text) })
        {
            var reader = new SequenceReader<byte>(sequence);
            var threw = false;
            try
            {
                MetaReplyParser.TryReadLine(ref reader, out _);
            }
            catch (MemcachedProtocolException ex)
            {
                threw = true;
                Assert.Equal("Reply line not terminated by \\r\\n.", ex.Message);
            }

            Assert.True(threw, text);
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [InlineData(MetaReplyParser.MaxLineLength - 1, false)]
    [InlineData(MetaReplyParser.MaxLineLength, true)]
    public void TryReadLine_LineAtTheLimit_AcceptedOneLongerRejected(int textLength, bool rejected)
    {
        // The limit counts the line with its '\r': MaxLineLength - 1 characters of text fit.
        var text = new string('A', textLength) + "\r\n";
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)));
        Exception? error = null;
        var complete = false;
        try
        {
            complete = MetaReplyParser.TryReadLine(ref reader, out _);
        }
        catch (MemcachedProtocolException ex)
        {
            error = ex;
        }

        Assert.Equal(rejected, error is not null);
        Assert.Equal(!rejected, complete);
        if (error is not null)
        {
            Assert.Equal($"Reply line longer than {MetaReplyParser.MaxLineLength} bytes.", error.Message);
        }
    }

    [Theory]
    [InlineData(MetaReplyParser.MaxLineLength, false)]
    [InlineData(MetaReplyParser.MaxLineLength + 1, true)]
    public void TryReadLine_UnterminatedLine_WaitsUntilLongerThanTheLimit(int length, bool rejected)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(new string('A', length))));
        Exception? error = null;
        var complete = false;
        try
        {
            complete = MetaReplyParser.TryReadLine(ref reader, out _);
        }
        catch (MemcachedProtocolException ex)
        {
            error = ex;
        }

        Assert.Equal(rejected, error is not null);
        Assert.False(complete);
        Assert.Equal(0, reader.Consumed);
        if (error is not null)
        {
            Assert.Equal($"Reply line longer than {MetaReplyParser.MaxLineLength} bytes.", error.Message);
        }
    }

    [Theory]
    [InlineData("VA 5 O1\r\nhello\r\n", true, "hello", 16)]
    [InlineData("VA 5 O1\r\nhello\r\nHD\r\n", true, "hello", 16)]
    [InlineData("VA 0 O1\r\n\r\n", true, "", 11)]
    [InlineData("VA 2 O1\r\n\r\n\r\n", true, "\r\n", 13)]
    [InlineData("VA 5 O1\r\nhello\r", false, "", 0)]
    [InlineData("VA 5 O1\r\nhello", false, "", 0)]
    [InlineData("VA 5 O1\r\nhel", false, "", 0)]
    [InlineData("VA 5 O1\r\n", false, "", 0)]
    [InlineData("HD O1\r\nVA 5", true, "", 7)]
    [InlineData("EN\r\n", true, "", 4)]
    public void TryReadReply_ValueBlock_ReadWhenWhollyBufferedElseNothingConsumed(string text, bool complete, string data, int consumed)
    {
        foreach (var sequence in new[] { new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), Segmented(text) })
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(complete, MetaReplyParser.TryReadReply(ref reader, out _, out var block));
            Assert.Equal(consumed, reader.Consumed);
            Assert.Equal(data, Encoding.Latin1.GetString(block.ToArray()));
        }
    }

    [Theory]
    [InlineData("VA 5 O1\r\nhelloXY")]
    [InlineData("VA 5 O1\r\nhello\n\r")]
    [InlineData("VA 1 O1\r\nab\r\n")]
    public void TryReadReply_ValueBlockNotTerminated_Throws(string text)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)));
        string? message = null;
        try
        {
            MetaReplyParser.TryReadReply(ref reader, out _, out _);
        }
        catch (MemcachedProtocolException ex)
        {
            message = ex.Message;
        }

        Assert.Equal("Value block not terminated by \\r\\n.", message);
    }

    [Fact]
    public void TryReadReply_KeysByOpaque_ReachTheHeader()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>("VA 1 kb O1\r\nx\r\n"u8.ToArray()));
        Assert.True(MetaReplyParser.TryReadReply(ref reader, out var reply, out _, keysByOpaque: ["a", "b"]));
        Assert.True(reply.KeyMatches);

        reader = new SequenceReader<byte>(new ReadOnlySequence<byte>("HD kb\r\n"u8.ToArray()));
        Assert.True(MetaReplyParser.TryReadReply(ref reader, out reply, out _, expectedKey: "b"));
        Assert.True(reply.KeyMatches);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
