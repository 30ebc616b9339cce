using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace FragmentCache.Memcached.Protocol;

/// <summary>Formats meta commands into a buffer. Pure: no I/O, no allocation.</summary>
internal static class MetaRequestWriter
{
    // Key (<= 250) + every flag with a 20-digit number stays far below this.
    private const int MaxLineLength = 512;

    /// <summary>Writes one command line (and for <c>ms</c>, the data block) tagged with <paramref name="opaque"/>.</summary>
    public static void Write(IBufferWriter<byte> output, in MetaRequest request, ReadOnlySpan<byte> data, uint opaque)
    {
        var span = output.GetSpan(MaxLineLength);
        int n = 0;
        switch (request.Command)
        {
            case MetaCommand.Get:
                Literal(span, ref n, "mg "u8);
                Key(span, ref n, request.Key);
                Flag(span, ref n, (byte)'N', request.VivifyTtl);
                Flag(span, ref n, (byte)'R', request.RecacheTtl);
                Flag(span, ref n, (byte)'T', request.Ttl);
                if (request.ReturnValue)
                {
                    Literal(span, ref n, " f v"u8);
                }

                if (request.ReturnCas)
                {
                    Literal(span, ref n, " c"u8);
                }

                if (request.ReturnTtl)
                {
                    Literal(span, ref n, " t"u8);
                }

                break;
            case MetaCommand.Set:
                Literal(span, ref n, "ms "u8);
                Key(span, ref n, request.Key);
                span[n++] = (byte)' ';
                Number(span, ref n, (ulong)data.Length);
                Flag(span, ref n, (byte)'T', request.Ttl);
                if (request.ClientFlags != 0)
                {
                    Flag(span, ref n, (byte)'F', request.ClientFlags);
                }

                if (request.CompareCas != 0)
                {
                    Flag(span, ref n, (byte)'C', request.CompareCas);
                }

                if (request.Invalidate)
                {
                    Literal(span, ref n, " I"u8);
                }

                if (request.Mode is not 0 and not (byte)'S')
                {
                    span[n++] = (byte)' ';
                    span[n++] = (byte)'M';
                    span[n++] = request.Mode;
                }

                break;
            case MetaCommand.Delete:
                Literal(span, ref n, "md "u8);
                Key(span, ref n, request.Key);
                if (request.CompareCas != 0)
                {
                    Flag(span, ref n, (byte)'C', request.CompareCas);
                }

                if (request.Invalidate)
                {
                    Literal(span, ref n, " I"u8);
                    Flag(span, ref n, (byte)'T', request.Ttl);
                }

                break;
            case MetaCommand.Arithmetic:
                Literal(span, ref n, "ma "u8);
                Key(span, ref n, request.Key);
                if (request.VivifyTtl != MetaRequest.None)
                {
                    Flag(span, ref n, (byte)'N', request.VivifyTtl);
                    Flag(span, ref n, (byte)'J', request.InitialValue);
                }

                Flag(span, ref n, (byte)'D', request.Delta);
                if (request.Decrement)
                {
                    Literal(span, ref n, " MD"u8);
                }

                Flag(span, ref n, (byte)'T', request.Ttl);
                Literal(span, ref n, " v"u8);
                break;
            case MetaCommand.NoOp:
                Literal(span, ref n, "mn\r\n"u8);
                output.Advance(n);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(request));
        }

        if (request.EchoesKey)
        {
            Literal(span, ref n, " k"u8);
        }

        span[n++] = (byte)' ';
        span[n++] = (byte)'O';
        Number(span, ref n, opaque);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        output.Advance(n);

        if (request.Command == MetaCommand.Set)
        {
            var block = output.GetSpan(data.Length + 2);
            data.CopyTo(block);
            block[data.Length] = (byte)'\r';
            block[data.Length + 1] = (byte)'\n';
            output.Advance(data.Length + 2);
        }
    }

    /// <summary>
    /// Writes <c>mg &lt;key&gt; f v q k O&lt;index&gt;</c>: one quiet get of a multi-get batch. The key comes back (<c>k</c>)
    /// because the index alone cannot tell a hit from the hit of another key whose reply was corrupted.
    /// </summary>
    public static void WriteQuietGet(IBufferWriter<byte> output, string key, uint index)
    {
        var span = output.GetSpan(MaxLineLength);
        int n = 0;
        Literal(span, ref n, "mg "u8);
        Key(span, ref n, key);
        Literal(span, ref n, " f v q k O"u8);
        Number(span, ref n, index);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        output.Advance(n);
    }

    /// <summary>Writes a classic text command line verbatim (callers pass only constant or formatted text).</summary>
    public static void WriteText(IBufferWriter<byte> output, string line)
    {
        int count = Encoding.ASCII.GetByteCount(line);
        var span = output.GetSpan(count + 2);
        Encoding.ASCII.GetBytes(line, span);
        span[count] = (byte)'\r';
        span[count + 1] = (byte)'\n';
        output.Advance(count + 2);
    }

    private static void Literal(Span<byte> span, ref int n, ReadOnlySpan<byte> text)
    {
        text.CopyTo(span[n..]);
        n += text.Length;
    }

    // GetWireBytes refuses anything but a legal key: unreachable through the client, which maps every key to a
    // wire key first, and kept as the last line of defence so nothing else can reach the socket.
    private static void Key(Span<byte> span, ref int n, string key) => n += MemcachedKey.GetWireBytes(key, span[n..]);

    private static void Flag(Span<byte> span, ref int n, byte flag, long value)
    {
        if (value == MetaRequest.None)
        {
            return;
        }

        span[n++] = (byte)' ';
        span[n++] = flag;
        Utf8Formatter.TryFormat(value, span[n..], out int written);
        n += written;
    }

    private static void Flag(Span<byte> span, ref int n, byte flag, ulong value)
    {
        span[n++] = (byte)' ';
        span[n++] = flag;
        Number(span, ref n, value);
    }

    private static void Number(Span<byte> span, ref int n, ulong value)
    {
        Utf8Formatter.TryFormat(value, span[n..], out int written);
        n += written;
    }
}
