using System.Runtime.InteropServices;
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

    public static PageEntry? TryDecode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            // A hit's bytes are read in place (no copy of the body).
            using var stream = MemoryMarshal.TryGetArray(bytes, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(bytes.ToArray(), writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadByte() != FormatVersion)
            {
                return null;
            }

            var status = reader.ReadInt32();
            var stored = reader.ReadInt64();
            var fresh = reader.ReadInt64();
            var count = reader.ReadInt32();
            if (count is < 0 or > 1000)
            {
                return null;
            }

            var headers = new List<KeyValuePair<string, string[]>>(count);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var valueCount = reader.ReadInt32();
                if (valueCount is < 0 or > 1000)
                {
                    return null;
                }

                var values = new string[valueCount];
                for (var j = 0; j < valueCount; j++)
                {
                    values[j] = reader.ReadString();
                }

                headers.Add(new(name, values));
            }

            var length = reader.ReadInt32();
            if (length < 0 || length != stream.Length - stream.Position)
            {
                return null;
            }

            var offset = (int)stream.Position;
            return new PageEntry
            {
                StatusCode = status,
                StoredAtUnixMs = stored,
                FreshUntilUnixMs = fresh,
                Headers = headers,
                Body = bytes.Slice(offset, length),
            };
        }
        catch (EndOfStreamException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
