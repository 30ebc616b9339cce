using System.Buffers;
using System.Buffers.Text;

namespace FragmentCache.Memcached.Protocol;

/// <summary>
/// Pure parsing of server replies. Every function either consumes a whole frame or nothing, so the
/// reader loop can call it again when more bytes arrive.
/// </summary>
internal static class MetaReplyParser
{
    /// <summary>Longest header line accepted; a longer one means the stream is garbage.</summary>
    public const int MaxLineLength = 8192;

    /// <summary>
    /// Reads one <c>\r\n</c>-terminated line (without the terminator). Returns false when the line is not
    /// complete yet; throws when it is too long or ends in a bare <c>\n</c>.
    /// </summary>
    public static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        var start = reader;
        if (!reader.TryReadTo(out line, (byte)'\n', advancePastDelimiter: true))
        {
            if (reader.Remaining > MaxLineLength)
            {
                throw new MemcachedProtocolException($"Reply line longer than {MaxLineLength} bytes.");
            }

            return false;
        }

        if (line.Length > MaxLineLength)
        {
            throw new MemcachedProtocolException($"Reply line longer than {MaxLineLength} bytes.");
        }

        if (line.IsEmpty || !EndsWithCarriageReturn(line))
        {
            reader = start;
            throw new MemcachedProtocolException("Reply line not terminated by \\r\\n.");
        }

        line = line.Slice(0, line.Length - 1);
        return true;
    }

    /// <summary>
    /// Reads one complete meta reply: the header line and, for <c>VA</c>, the data block with its
    /// trailing <c>\r\n</c>. Returns false (consuming nothing) until all of it is buffered.
    /// </summary>
    /// <param name="reader">The buffered reply bytes.</param>
    /// <param name="reply">The parsed header.</param>
    /// <param name="data">The value block of a <c>VA</c> reply.</param>
    /// <param name="keysByOpaque">
    /// For replies that echo their key (<c>k</c>) and carry an index as opaque: the expected key per index, so
    /// <see cref="MetaReply.KeyMatches"/> can be checked without copying the key out of the buffer.
    /// </param>
    /// <param name="expectedKey">For a single request that asked for its key back (<c>k</c>): the key it sent.</param>
    public static bool TryReadReply(ref SequenceReader<byte> reader, out MetaReply reply, out ReadOnlySequence<byte> data,
        IReadOnlyList<string>? keysByOpaque = null, string? expectedKey = null)
    {
        var start = reader;
        data = default;
        if (!TryReadLine(ref reader, out var line))
        {
            reply = default;
            return false;
        }

        reply = ParseHeader(line, keysByOpaque, expectedKey);
        if (reply.Code == ReplyCode.Value)
        {
            if (reader.Remaining < reply.ValueLength + 2L)
            {
                reader = start;
                return false;
            }

            data = reader.UnreadSequence.Slice(0, reply.ValueLength);
            reader.Advance(reply.ValueLength);
            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                throw new MemcachedProtocolException("Value block not terminated by \\r\\n.");
            }
        }

        return true;
    }

    /// <summary>Parses a meta header line such as <c>VA 2 f5 c1 t-1 O14 W</c>.</summary>
    public static MetaReply ParseHeader(in ReadOnlySequence<byte> line, IReadOnlyList<string>? keysByOpaque = null, string? expectedKey = null)
    {
        if (line.IsSingleSegment)
        {
            return ParseHeader(line.FirstSpan, keysByOpaque, expectedKey);
        }

        Span<byte> copy = stackalloc byte[(int)line.Length];
        line.CopyTo(copy);
        return ParseHeader(copy, keysByOpaque, expectedKey);
    }

    /// <summary>Parses a meta header line such as <c>VA 2 f5 c1 t-1 O14 W</c>.</summary>
    public static MetaReply ParseHeader(ReadOnlySpan<byte> line, IReadOnlyList<string>? keysByOpaque = null, string? expectedKey = null)
    {
        if (line.Length < 2)
        {
            throw Unexpected(line);
        }

        ReplyCode code;
        if (line.Length == 2 || line[2] == (byte)' ')
        {
            code = (line[0], line[1]) switch
            {
                ((byte)'V', (byte)'A') => ReplyCode.Value,
                ((byte)'H', (byte)'D') => ReplyCode.Header,
                ((byte)'E', (byte)'N') => ReplyCode.Miss,
                ((byte)'N', (byte)'F') => ReplyCode.NotFound,
                ((byte)'N', (byte)'S') => ReplyCode.NotStored,
                ((byte)'E', (byte)'X') => ReplyCode.Exists,
                ((byte)'M', (byte)'N') => ReplyCode.NoOp,
                _ => ReplyCode.Unknown,
            };
        }
        else
        {
            code = ReplyCode.Unknown;
        }

        if (code == ReplyCode.Unknown)
        {
            return ParseErrorLine(line);
        }

        var reply = MetaReply.Create(code);
        var rest = line.Length > 3 ? line[3..] : [];
        if (code == ReplyCode.Value)
        {
            var token = NextToken(ref rest);
            if (!Utf8Parser.TryParse(token, out int length, out int used) || used != token.Length || length < 0)
            {
                throw Unexpected(line);
            }

            reply.ValueLength = length;
        }

        scoped ReadOnlySpan<byte> key = default;
        bool hasKey = false;
        while (!rest.IsEmpty)
        {
            var token = NextToken(ref rest);
            if (token.IsEmpty)
            {
                continue;
            }

            var arg = token[1..];
            switch (token[0])
            {
                case (byte)'f':
                    reply.ClientFlags = ParseNumber<uint>(arg, line);
                    break;
                case (byte)'c':
                    reply.Cas = ParseNumber<ulong>(arg, line);
                    break;
                case (byte)'t':
                    reply.Ttl = ParseNumber<long>(arg, line);
                    break;
                case (byte)'O':
                    reply.Opaque = ParseNumber<ulong>(arg, line);
                    break;
                case (byte)'W':
                    reply.Won = true;
                    break;
                case (byte)'X':
                    reply.Stale = true;
                    break;
                case (byte)'Z':
                    reply.TokenSent = true;
                    break;
                case (byte)'k':
                    key = arg;
                    hasKey = true;
                    break;
                default:
                    // s, h, l, b and flags of newer servers carry nothing we use.
                    break;
            }
        }

        if (hasKey)
        {
            reply.HasKey = true;
            var expected = expectedKey
                ?? (keysByOpaque is not null && reply.Opaque < (ulong)keysByOpaque.Count ? keysByOpaque[(int)reply.Opaque] : null);
            reply.KeyMatches = expected is not null && System.Text.Ascii.Equals(key, expected);
        }

        return reply;
    }

    private static MetaReply ParseErrorLine(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("ERROR"u8))
        {
            var error = MetaReply.Create(ReplyCode.Error);
            error.ErrorMessage = "ERROR";
            return error;
        }

        if (line.StartsWith("CLIENT_ERROR"u8))
        {
            var error = MetaReply.Create(ReplyCode.ClientError);
            error.ErrorMessage = Printable(line);
            return error;
        }

        if (line.StartsWith("SERVER_ERROR"u8))
        {
            var error = MetaReply.Create(ReplyCode.ServerError);
            error.ErrorMessage = Printable(line);
            return error;
        }

        throw Unexpected(line);
    }

    private static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> rest)
    {
        int space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> token;
        if (space < 0)
        {
            token = rest;
            rest = [];
        }
        else
        {
            token = rest[..space];
            rest = rest[(space + 1)..];
        }

        return token;
    }

    private static T ParseNumber<T>(ReadOnlySpan<byte> text, ReadOnlySpan<byte> line)
        where T : System.Numerics.IBinaryInteger<T>, IUtf8SpanParsable<T>
    {
        if (text.IsEmpty || !T.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            throw Unexpected(line);
        }

        return value;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan[^1] == (byte)'\r';
        }

        return line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';
    }

    /// <summary>Renders reply bytes for an error message: printable ASCII kept, the rest escaped, capped.</summary>
    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        const int Cap = 120;
        var sb = new System.Text.StringBuilder(Math.Min(bytes.Length, Cap) + 8);
        foreach (byte b in bytes[..Math.Min(bytes.Length, Cap)])
        {
            if (b is >= 0x20 and < 0x7F)
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (bytes.Length > Cap)
        {
            sb.Append("...");
        }

        return sb.ToString();
    }

    private static MemcachedProtocolException Unexpected(ReadOnlySpan<byte> line) =>
        new($"Unexpected reply line '{Printable(line)}'.");
}
