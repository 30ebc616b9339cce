using System.Text;

namespace FragmentCache.Mvc.Pages;

/// <summary>A stored response: status, headers, body, when it was stored and until when it is fresh.</summary>
internal sealed class PageEntry
{
    private const byte FormatVersion = 1;

    public required int StatusCode { get; init; }

    public required long StoredAtUnixMs { get; init; }

    /// <summary>0 = fresh for as long as the store keeps it.</summary>
    public long FreshUntilUnixMs { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string[]>> Headers { get; init; }

    public required ReadOnlyMemory<byte> Body { get; init; }

    public byte[] Encode()
    {
        using var stream = new MemoryStream(Body.Length + 256);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(StatusCode);
            writer.Write(StoredAtUnixMs);
            writer.Write(FreshUntilUnixMs);
            writer.Write(Headers.Count);
            foreach (var header in Headers)
            {
                writer.Write(header.Key);
                writer.Write(header.Value.Length);
                foreach (var value in header.Value)
                {
                    writer.Write(value);
                }
            }

            writer.Write(Body.Length);
            writer.Write(Body.Span);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Decodes what <see cref="Encode"/> wrote (the layout of <see cref="BinaryWriter"/>: little-endian integers,
    /// strings as a 7-bit encoded byte length and UTF-8). The body is a slice of <paramref name="bytes"/>, never a copy.
    /// Returns null for anything else; never throws.
    /// </summary>
    public static PageEntry? TryDecode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new SpanReader(bytes.Span);
        if (!reader.TryReadByte(out var version) || version != FormatVersion
            || !reader.TryReadInt32(out var status)
            || !reader.TryReadInt64(out var stored)
            || !reader.TryReadInt64(out var fresh)
            || !reader.TryReadInt32(out var count) || count is < 0 or > 1000)
        {
            return null;
        }

        var headers = new KeyValuePair<string, string[]>[count];
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadString(out var name, knownNames: true) || !reader.TryReadInt32(out var valueCount) || valueCount is < 0 or > 1000)
            {
                return null;
            }

            var values = valueCount == 0 ? [] : new string[valueCount];
            for (var j = 0; j < valueCount; j++)
            {
                if (!reader.TryReadString(out values[j], knownNames: false))
                {
                    return null;
                }
            }

            headers[i] = new(name, values);
        }

        if (!reader.TryReadInt32(out var length) || length < 0 || length != reader.Remaining)
        {
            return null;
        }

        return new PageEntry
        {
            StatusCode = status,
            StoredAtUnixMs = stored,
            FreshUntilUnixMs = fresh,
            Headers = headers,
            Body = bytes.Slice(reader.Position, length),
        };
    }

    /// <summary>Reads <see cref="BinaryWriter"/>'s encoding from a span, failing softly on truncation or garbage.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;

        public int Position { get; private set; }

        public readonly int Remaining => _span.Length - Position;

        public bool TryReadByte(out byte value)
        {
            value = 0;
            if (Remaining < 1)
            {
                return false;
            }

            value = _span[Position++];
            return true;
        }

        public bool TryReadInt32(out int value)
        {
            value = 0;
            if (Remaining < 4)
            {
                return false;
            }

            value = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(_span[Position..]);
            Position += 4;
            return true;
        }

        public bool TryReadInt64(out long value)
        {
            value = 0;
            if (Remaining < 8)
            {
                return false;
            }

            value = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(_span[Position..]);
            Position += 8;
            return true;
        }

        public bool TryReadString(out string value, bool knownNames)
        {
            value = "";
            // The length: 7 bits per byte, low groups first, at most 5 bytes for an int.
            int length = 0, shift = 0;
            byte b;
            do
            {
                if (shift > 28 || !TryReadByte(out b))
                {
                    return false;
                }

                length |= (b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);

            if (length < 0 || length > Remaining)
            {
                return false;
            }

            var utf8 = _span.Slice(Position, length);
            Position += length;
            value = knownNames && KnownHeaderName(utf8) is { } known ? known : Encoding.UTF8.GetString(utf8);
            return true;
        }

        /// <summary>The names almost every stored response has, shared instead of decoded again on every hit.</summary>
        private static string? KnownHeaderName(ReadOnlySpan<byte> name) => name switch
        {
            _ when name.SequenceEqual("Content-Type"u8) => "Content-Type",
            _ when name.SequenceEqual("Cache-Control"u8) => "Cache-Control",
            _ when name.SequenceEqual("Vary"u8) => "Vary",
            _ when name.SequenceEqual("ETag"u8) => "ETag",
            _ when name.SequenceEqual("Last-Modified"u8) => "Last-Modified",
            _ when name.SequenceEqual("Content-Language"u8) => "Content-Language",
            _ when name.SequenceEqual("Content-Encoding"u8) => "Content-Encoding",
            _ => null,
        };
    }
}
