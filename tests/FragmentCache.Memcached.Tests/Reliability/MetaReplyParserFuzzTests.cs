using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using FragmentCache.Memcached;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// Fuzzes the pure reply parser (<see cref="MetaReplyParser"/>) with random and mutated transcripts of real
/// mg/ms/md/ma/mn replies. Seeded: a failure names its seed and case, and <c>FRAGMENTCACHE_FUZZ_SEED</c> replays it.
/// </summary>
public sealed class MetaReplyParserFuzzTests
{
    private const int Cases = 4000;
    private const int SplitCases = 150;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>Valid frames as memcached 1.6 sends them (see ProtocolTranscriptTests).</summary>
    private static readonly string[] ValidFrames =
    [
        "VA 5 f0 O1\r\nhello\r\n",
        "VA 0 f1 O2 c77 t-1\r\n\r\n",
        "VA 12 f2 c123 t300 O3 W\r\nvalue-of-k:3\r\n",
        "VA 4 O4 X Z\r\n\r\n\0\x1f\r\n",
        "VA 2 O5\r\n42\r\n",
        "HD O6\r\n",
        "HD c99 O7 W\r\n",
        "HD f5 t-1 O8 k\r\n",
        "EN\r\n",
        "EN O9\r\n",
        "NF O10\r\n",
        "NS O11\r\n",
        "EX O12\r\n",
        "MN\r\n",
        "ERROR\r\n",
        "CLIENT_ERROR bad command line format\r\n",
        "SERVER_ERROR out of memory storing object\r\n",
    ];

    private static readonly string[] HugeLengths =
        ["2147483647", "2147483648", "99999999999999999999", "-1", "-2147483648", "+5", "0x10", " 5", "5 ", ""];

    private static int BaseSeed =>
        int.TryParse(Environment.GetEnvironmentVariable("FRAGMENTCACHE_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : 20261126;

    [Fact]
    public async Task TryReadReply_MutatedTranscripts_ThrowsOnlyProtocolErrorsAndConsumesWholeFrames()
    {
        int seed = BaseSeed;
        var clock = Stopwatch.StartNew();
        var outcome = await Task.Run(() =>
        {
            var random = new Random(seed);
            int frames = 0, rejected = 0;
            for (int i = 0; i < Cases && clock.Elapsed < Budget; i++)
            {
                var transcript = Mutate(random, Transcript(random));
                var result = ParseAll(transcript, transcript.Length, $"seed {seed} case {i}");
                frames += result.Frames.Count;
                rejected += result.Error is null ? 0 : 1;
            }

            return (frames, rejected);
        }).WaitAsync(Budget + TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The fuzzer must exercise both sides: frames that parse and frames that are rejected.
        Assert.True(outcome.frames > Cases / 2, $"seed {seed}: only {outcome.frames} frames parsed");
        Assert.True(outcome.rejected > Cases / 10, $"seed {seed}: only {outcome.rejected} transcripts rejected");
    }

    [Fact]
    public async Task TryReadReply_SplitAtEveryBoundary_SameFramesAsInOnePiece()
    {
        int seed = BaseSeed + 1;
        var clock = Stopwatch.StartNew();
        int checkedSplits = await Task.Run(() =>
        {
            var random = new Random(seed);
            int splits = 0;
            for (int i = 0; i < SplitCases && clock.Elapsed < Budget; i++)
            {
                var transcript = i % 3 == 0 ? Transcript(random) : Mutate(random, Transcript(random));
                var context = $"seed {seed} case {i} transcript '{MetaReplyParser.Printable(transcript)}'";
                var whole = ParseAll(transcript, transcript.Length, context);
                for (int cut = 0; cut <= transcript.Length; cut++)
                {
                    // The same bytes in two segments must parse exactly as in one.
                    var twoPieces = ParseAll(transcript, transcript.Length, context + $" split at {cut}", cut);
                    AssertSame(whole, twoPieces, context + $" split at {cut}");

                    // Only a prefix has arrived: what parses is a prefix of the whole, and an error is final.
                    var prefix = ParseAll(transcript, cut, context + $" prefix {cut}");
                    Assert.True(prefix.Frames.Count <= whole.Frames.Count, context + $" prefix {cut}: more frames than the whole");
                    for (int f = 0; f < prefix.Frames.Count; f++)
                    {
                        Assert.Equal(whole.Frames[f], prefix.Frames[f]);
                    }

                    if (prefix.Error is not null)
                    {
                        Assert.True(whole.Error is not null && whole.Frames.Count == prefix.Frames.Count,
                            context + $" prefix {cut}: rejected a prefix ({prefix.Error}) but not the whole");
                    }

                    splits++;
                }
            }

            return splits;
        }).WaitAsync(Budget + TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(checkedSplits > SplitCases * 10, $"seed {seed}: only {checkedSplits} splits checked");
    }

    [Theory]
    [InlineData("VA 2147483647 O1\r\nabc\r\n", false, 0)]
    [InlineData("VA 2147483648 O1\r\nabc\r\n", true, 0)]
    [InlineData("VA -1 O1\r\nabc\r\n", true, 0)]
    [InlineData("VA -2147483648 O1\r\n", true, 0)]
    [InlineData("VA 3 O18446744073709551616\r\nabc\r\n", true, 0)]
    [InlineData("VA 3 f4294967296 O1\r\nabc\r\n", true, 0)]
    [InlineData("VA 3 O1\r\nabcd\r\n", true, 0)]
    [InlineData("VA 3 O1\nabc\r\n", true, 0)]
    [InlineData("HD O1\r\nHD O2\n", true, 1)]
    [InlineData("\r\n", true, 0)]
    [InlineData("H\r\n", true, 0)]
    [InlineData("HD\0O1\r\n", true, 0)]
    [InlineData("VA\r\n", true, 0)]
    [InlineData("VA  O1\r\n", true, 0)]
    [InlineData("VA 1 O1\r\n\r\r\n", false, 1)]
    [InlineData("CLIENT_ERRORX\r\n\0", false, 1)]
    [InlineData("HD O1\r\nVA 3 O2\r\nab", false, 1)]
    public void TryReadReply_HostileFrame_RejectsOrWaitsWithoutConsuming(string text, bool rejected, int frames)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var result = ParseAll(bytes, bytes.Length, text);

        Assert.Equal(rejected, result.Error is not null);
        Assert.Equal(frames, result.Frames.Count);
    }

    [Fact]
    public void TryReadLine_EndlessLineWithoutNewline_RejectedOnceLongerThanTheLimit()
    {
        var bytes = new byte[MetaReplyParser.MaxLineLength + 2];
        bytes.AsSpan().Fill((byte)'A');
        var result = ParseAll(bytes, bytes.Length, "endless line");
        Assert.NotNull(result.Error);

        var shorter = ParseAll(bytes, MetaReplyParser.MaxLineLength, "endless line, within the limit");
        Assert.Null(shorter.Error);
        Assert.Empty(shorter.Frames);
    }

    private static byte[] Transcript(Random random)
    {
        var builder = new StringBuilder();
        int frames = random.Next(1, 6);
        for (int i = 0; i < frames; i++)
        {
            builder.Append(ValidFrames[random.Next(ValidFrames.Length)]);
        }

        return Encoding.Latin1.GetBytes(builder.ToString());
    }

    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = new List<byte>(input);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(10))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, (byte)"\r\n\0 "[random.Next(4)]);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 5:
                    ReplaceToken(random, bytes, "VA ", HugeLengths[random.Next(HugeLengths.Length)]);
                    break;
                case 6:
                    ReplaceToken(random, bytes, " O", random.Next(3) switch
                    {
                        0 => "18446744073709551615",
                        1 => "-1",
                        _ => random.Next(0, 100).ToString(CultureInfo.InvariantCulture),
                    });
                    break;
                case 7:
                    var copy = bytes.GetRange(at, Math.Min(random.Next(1, 24), bytes.Count - at));
                    bytes.InsertRange(random.Next(bytes.Count), copy);
                    break;
                case 8:
                    bytes.InsertRange(at, Encoding.Latin1.GetBytes(random.Next(2) == 0 ? "\r\n" : "\n\r"));
                    break;
                default:
                    var garbage = new byte[random.Next(1, 16)];
                    random.NextBytes(garbage);
                    bytes.InsertRange(at, garbage);
                    break;
            }
        }

        return [.. bytes];
    }

    private static void ReplaceToken(Random random, List<byte> bytes, string marker, string replacement)
    {
        var text = Encoding.Latin1.GetString([.. bytes]);
        var indexes = new List<int>();
        for (int i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + 1, StringComparison.Ordinal))
        {
            indexes.Add(i);
        }

        if (indexes.Count == 0)
        {
            return;
        }

        int start = indexes[random.Next(indexes.Count)] + marker.Length;
        int end = start;
        while (end < text.Length && text[end] is not (' ' or '\r' or '\n'))
        {
            end++;
        }

        text = string.Concat(text.AsSpan(0, start), replacement, text.AsSpan(end));
        bytes.Clear();
        bytes.AddRange(Encoding.Latin1.GetBytes(text));
    }

    /// <summary>
    /// Parses the first <paramref name="length"/> bytes the way the connection's reader loop does: frame after
    /// frame until one is incomplete or rejected. Bytes after <paramref name="length"/> are poison the parser must
    /// never see. With <paramref name="split"/> the bytes arrive in two segments.
    /// </summary>
    private static ParseResult ParseAll(byte[] transcript, int length, string context, int split = -1)
    {
        // The poison after the buffer is a valid frame: reading it would show up as an extra frame.
        var poison = "HD O424242\r\n"u8;
        var backing = new byte[length + poison.Length];
        transcript.AsSpan(0, length).CopyTo(backing);
        poison.CopyTo(backing.AsSpan(length));

        var sequence = split < 0 || split > length
            ? new ReadOnlySequence<byte>(backing, 0, length)
            : TwoSegments(backing, split, length);
        var reader = new SequenceReader<byte>(sequence);
        var frames = new List<Frame>();
        while (!reader.End)
        {
            long before = reader.Consumed;
            bool complete;
            MetaReply reply;
            ReadOnlySequence<byte> data;
            try
            {
                complete = MetaReplyParser.TryReadReply(ref reader, out reply, out data);
            }
            catch (MemcachedProtocolException error)
            {
                return new ParseResult(frames, error.Message);
            }
            catch (Exception unexpected)
            {
                Assert.Fail($"{context}: {unexpected.GetType().Name} is not a MemcachedProtocolException: {unexpected}");
                throw;
            }

            long consumed = reader.Consumed - before;
            if (!complete)
            {
                Assert.True(consumed == 0, $"{context}: an incomplete frame consumed {consumed} bytes");
                break;
            }

            Assert.True(reader.Consumed <= length, $"{context}: consumed {reader.Consumed} of {length} bytes");
            var header = Encoding.Latin1.GetString(sequence.Slice(before, consumed).ToArray());
            int lineEnd = header.IndexOf("\r\n", StringComparison.Ordinal);
            Assert.True(lineEnd >= 0, $"{context}: frame '{header}' has no line end");
            long expected = lineEnd + 2 + (reply.Code == ReplyCode.Value ? reply.ValueLength + 2L : 0);
            Assert.True(consumed == expected, $"{context}: frame '{MetaReplyParser.Printable(Encoding.Latin1.GetBytes(header))}' consumed {consumed}, expected {expected}");
            Assert.NotEqual(ReplyCode.Unknown, reply.Code);
            Assert.NotEqual(424242UL, reply.Opaque);
            if (reply.Code == ReplyCode.Value)
            {
                Assert.Equal(reply.ValueLength, data.Length);
                Assert.Equal(header.Substring(lineEnd + 2, reply.ValueLength), Encoding.Latin1.GetString(data.ToArray()));
            }
            else
            {
                Assert.True(data.IsEmpty, $"{context}: a {reply.Code} frame carried data");
            }

            frames.Add(new Frame(reply.Code, reply.Opaque, reply.ClientFlags, reply.Cas, reply.Ttl, reply.Won, reply.Stale, reply.TokenSent,
                Convert.ToHexString(data.ToArray()), reply.ErrorMessage));
        }

        return new ParseResult(frames, null);
    }

    private static void AssertSame(ParseResult expected, ParseResult actual, string context)
    {
        Assert.True(expected.Frames.SequenceEqual(actual.Frames), context + ": frames differ");
        Assert.True((expected.Error is null) == (actual.Error is null), $"{context}: error '{expected.Error}' vs '{actual.Error}'");
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] backing, int split, int length)
    {
        var first = new Segment(backing.AsMemory(0, split), 0);
        var second = first.Append(backing.AsMemory(split, length - split));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed record Frame(ReplyCode Code, ulong Opaque, uint Flags, ulong Cas, long Ttl, bool Won, bool Stale, bool TokenSent, string Data, string? Error);

    private sealed record ParseResult(List<Frame> Frames, string? Error);

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
