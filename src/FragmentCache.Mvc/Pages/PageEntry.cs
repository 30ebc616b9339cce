using System.Buffers.Binary;
using System.Text;
using FragmentCache.Mvc.Holes;
using Microsoft.Net.Http.Headers;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// A stored response: status, headers, body, when it was stored and until when it is fresh, and the holes of the body
/// (format version 2, with the hole table before the body; a page without holes is written as version 1, as before).
/// </summary>
internal sealed class PageEntry
{
    private const byte FormatVersion = 1;
    private const byte HolesFormatVersion = 2;

    public required int StatusCode { get; init; }

    public required long StoredAtUnixMs { get; init; }

    /// <summary>0 = fresh for as long as the store keeps it.</summary>
    public long FreshUntilUnixMs { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string[]>> Headers { get; init; }

    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The holes of <see cref="Body"/> (byte offsets into it), rendered per request on a hit. The default is none.</summary>
    public PlacedHole[] Holes { get; init; } = [];

    public byte[] Encode()
    {
        using var stream = new MemoryStream(Body.Length + 256);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Holes.Length > 0 ? HolesFormatVersion : FormatVersion);
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

            if (Holes.Length > 0)
            {
                var table = HoleTable.Encode(Holes);
                writer.Write(table.Length);
                writer.Write(table);
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
        if (!reader.TryReadByte(out var version) || version is not (FormatVersion or HolesFormatVersion)
            || !reader.TryReadInt32(out var status)
            || !reader.TryReadInt64(out var stored)
            || !reader.TryReadInt64(out var fresh)
            || !reader.TryReadInt32(out var count) || count is < 0 or > 1000)
        {
            return null;
        }

        // A page's headers are the same bytes on every hit: decoded once and shared (as a two-tier copy's entry is).
        var headersStart = reader.Position;
        var end = reader;
        if (!end.TrySkipHeaders(count))
        {
            return null;
        }

        var rawHeaders = bytes.Span[headersStart..end.Position];
        var headers = DecodedHeaders.Find(rawHeaders);
        if (headers is not null)
        {
            reader = end;
        }
        else
        {
            headers = new KeyValuePair<string, string[]>[count];
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

            DecodedHeaders.Keep(rawHeaders, headers);
        }

        var table = ReadOnlySpan<byte>.Empty;
        if (version == HolesFormatVersion)
        {
            if (!reader.TryReadInt32(out var tableLength) || tableLength <= 0 || !reader.TryReadBytes(tableLength, out table))
            {
                return null;
            }
        }

        if (!reader.TryReadInt32(out var length) || length < 0 || length != reader.Remaining)
        {
            return null;
        }

        var holes = Array.Empty<PlacedHole>();
        if (version == HolesFormatVersion && (!HoleTable.TryDecode(table, length, out holes) || holes.Length == 0))
        {
            // A table this build cannot read (or an enum argument's type gone): the caller renders the page again.
            return null;
        }

        return new PageEntry
        {
            StatusCode = status,
            StoredAtUnixMs = stored,
            FreshUntilUnixMs = fresh,
            Headers = headers,
            Body = bytes.Slice(reader.Position, length),
            Holes = holes,
        };
    }

    /// <summary>
    /// The headers of the pages decoded last, by their stored bytes: 16 slots (a header block of at most 2 KB each), picked
    /// by a hash of the bytes and swapped whole, so a hit on a page seen before decodes no header and allocates no array.
    /// The arrays are shared by every request that reads them and are never written to (replay copies what it hands out).
    /// </summary>
    private static class DecodedHeaders
    {
        private const int MaxBytes = 2048;
        private static readonly Slot?[] Slots = new Slot?[16];

        public static KeyValuePair<string, string[]>[]? Find(ReadOnlySpan<byte> raw) =>
            raw.Length <= MaxBytes && Volatile.Read(ref Slots[Index(raw)]) is { } slot && raw.SequenceEqual(slot.Raw) ? slot.Headers : null;

        public static void Keep(ReadOnlySpan<byte> raw, KeyValuePair<string, string[]>[] headers)
        {
            if (raw.Length <= MaxBytes)
            {
                Volatile.Write(ref Slots[Index(raw)], new Slot(raw.ToArray(), headers));
            }
        }

        private static int Index(ReadOnlySpan<byte> raw)
        {
            var hash = default(HashCode);
            hash.AddBytes(raw);
            return hash.ToHashCode() & (Slots.Length - 1);
        }

        private sealed record Slot(byte[] Raw, KeyValuePair<string, string[]>[] Headers);
    }

    /// <summary>Reads <see cref="BinaryWriter"/>'s encoding from a span, failing softly on truncation or garbage.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;

        public int Position { get; private set; }

        public readonly int Remaining => _span.Length - Position;

        public bool TryReadByte(out byte value)
        {
            var ok = TryTake(1, out var bytes);
            value = ok ? bytes[0] : (byte)0;
            return ok;
        }

        public bool TryReadInt32(out int value)
        {
            var ok = TryTake(4, out var bytes);
            value = ok ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : 0;
            return ok;
        }

        public bool TryReadInt64(out long value)
        {
            var ok = TryTake(8, out var bytes);
            value = ok ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;
            return ok;
        }

        public bool TryReadBytes(int count, out ReadOnlySpan<byte> bytes) => TryTake(count, out bytes);

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

            if (length < 0 || !TryTake(length, out var utf8))
            {
                return false;
            }

            value = knownNames && KnownHeaderName(utf8) is { } known ? known : Encoding.UTF8.GetString(utf8);
            return true;
        }

        /// <summary>Moves past <paramref name="count"/> headers (a name, a value count, the values) without decoding them.</summary>
        public bool TrySkipHeaders(int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (!TrySkipString() || !TryReadInt32(out var valueCount) || valueCount is < 0 or > 1000)
                {
                    return false;
                }

                for (var j = 0; j < valueCount; j++)
                {
                    if (!TrySkipString())
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private bool TrySkipString()
        {
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

            return length >= 0 && TryTake(length, out _);
        }

        /// <summary>The next <paramref name="count"/> bytes, or false when fewer are left.</summary>
        private bool TryTake(int count, out ReadOnlySpan<byte> bytes)
        {
            if (Remaining < count)
            {
                bytes = default;
                return false;
            }

            bytes = _span.Slice(Position, count);
            Position += count;
            return true;
        }

        /// <summary>The names almost every stored response has, shared instead of decoded again on every hit.</summary>
        private static string? KnownHeaderName(ReadOnlySpan<byte> name) => name switch
        {
            _ when name.SequenceEqual("Content-Type"u8) => HeaderNames.ContentType,
            _ when name.SequenceEqual("Cache-Control"u8) => HeaderNames.CacheControl,
            _ when name.SequenceEqual("Vary"u8) => HeaderNames.Vary,
            _ when name.SequenceEqual("ETag"u8) => HeaderNames.ETag,
            _ when name.SequenceEqual("Last-Modified"u8) => HeaderNames.LastModified,
            _ when name.SequenceEqual("Content-Language"u8) => HeaderNames.ContentLanguage,
            _ when name.SequenceEqual("Content-Encoding"u8) => HeaderNames.ContentEncoding,
            _ => null,
        };
    }
}
