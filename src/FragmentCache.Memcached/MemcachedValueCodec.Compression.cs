using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace FragmentCache.Memcached;

internal static partial class MemcachedValueCodec
{
    // Brotli quality 4 is fast and still beats Deflate on HTML; window 22 is Brotli's default (4 MiB).
    private const int BrotliQuality = 4;
    private const int BrotliWindow = 22;
    private const int MinDecompressBuffer = 4096;
    private const int DeflateHeaderLength = 4;

    /// <summary>
    /// Writes already-encoded bytes to <paramref name="destination"/>, compressed when they are at least
    /// <paramref name="compressionThreshold"/> long and compression makes them smaller; returns
    /// <paramref name="flags"/> plus the compression flag used, if any. For stores whose callers encode values themselves.
    /// </summary>
    public static uint WriteCompressed(ReadOnlySpan<byte> encoded, uint flags, int compressionThreshold, ArrayBufferWriter<byte> destination)
    {
        int start = destination.WrittenCount;
        destination.Write(encoded);
        return compressionThreshold > 0 && encoded.Length >= compressionThreshold ? flags | Compress(destination, start) : flags;
    }

    /// <summary>
    /// Undoes <see cref="WriteCompressed"/>: returns the stored bytes as they were encoded and the flags without
    /// the compression bits. Uncompressed data is returned as it is, without a copy.
    /// </summary>
    /// <exception cref="InvalidDataException">The compressed data is corrupt or claims two compressions.</exception>
    public static ReadOnlyMemory<byte> ReadDecompressed(ReadOnlyMemory<byte> stored, uint flags, out uint plainFlags)
    {
        uint compression = flags & (MemcachedFlags.Deflate | MemcachedFlags.Brotli);
        plainFlags = flags & ~(MemcachedFlags.Deflate | MemcachedFlags.Brotli);
        if (compression == 0 || (flags & MemcachedFlags.Value) == 0)
        {
            plainFlags = flags;
            return stored;
        }

        if (compression == (MemcachedFlags.Deflate | MemcachedFlags.Brotli))
        {
            throw new InvalidDataException("The item claims two compressions.");
        }

        byte[] buffer = compression == MemcachedFlags.Brotli
            ? DecompressBrotli(stored.Span, out int length)
            : DecompressDeflate(stored.Span, out length);
        try
        {
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Compresses destination[start..] in place with whichever of Brotli and Deflate is smaller, if either is
    // smaller than the original; returns the compression flag, or 0 when the value stays uncompressed.
    private static uint Compress(ArrayBufferWriter<byte> destination, int start)
    {
        ReadOnlySpan<byte> raw = destination.WrittenSpan[start..];
        if (raw.Length < 2)
        {
            return 0;
        }

        // Only a result smaller than the original is any use, so give Brotli no more room than that.
        byte[] brotli = ArrayPool<byte>.Shared.Rent(raw.Length - 1);
        byte[]? prefix = null;
        try
        {
            if (!BrotliEncoder.TryCompress(raw, brotli.AsSpan(0, raw.Length - 1), out int brotliLength, BrotliQuality, BrotliWindow))
            {
                brotliLength = int.MaxValue;
            }

            // Raw Deflate cannot tell a truncated stream from a finished one, so it carries the length.
            using var deflated = new MemoryStream();
            Span<byte> header = stackalloc byte[DeflateHeaderLength];
            BinaryPrimitives.WriteInt32LittleEndian(header, raw.Length);
            deflated.Write(header);
            using (var deflate = new DeflateStream(deflated, CompressionLevel.Fastest, leaveOpen: true))
            {
                deflate.Write(raw);
            }

            int deflateLength = (int)deflated.Length;
            if (Math.Min(brotliLength, deflateLength) >= raw.Length)
            {
                return 0;
            }

            bool useBrotli = brotliLength <= deflateLength;
            ReadOnlySpan<byte> compressed = useBrotli
                ? brotli.AsSpan(0, brotliLength)
                : deflated.GetBuffer().AsSpan(0, deflateLength);

            // ArrayBufferWriter cannot truncate, so rewrite whatever preceded the value, then the compressed value.
            if (start > 0)
            {
                prefix = ArrayPool<byte>.Shared.Rent(start);
                destination.WrittenSpan[..start].CopyTo(prefix);
            }

            destination.ResetWrittenCount();
            if (prefix is not null)
            {
                destination.Write(prefix.AsSpan(0, start));
            }

            destination.Write(compressed);
            return useBrotli ? MemcachedFlags.Brotli : MemcachedFlags.Deflate;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(brotli);
            if (prefix is not null)
            {
                ArrayPool<byte>.Shared.Return(prefix);
            }
        }
    }

    // Returns a pooled buffer holding the decompressed bytes in [0, length).
    private static byte[] DecompressBrotli(ReadOnlySpan<byte> data, out int length)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize(data.Length));
        length = 0;
        int consumed = 0;
        // Not a 'using' local: that would be read-only, and calls on this mutable struct would hit copies.
        var decoder = default(BrotliDecoder);
        try
        {
            while (true)
            {
                OperationStatus status = decoder.Decompress(data[consumed..], buffer.AsSpan(length), out int read, out int written);
                consumed += read;
                length += written;
                switch (status)
                {
                    case OperationStatus.Done when consumed == data.Length:
                        return buffer;
                    case OperationStatus.DestinationTooSmall:
                        buffer = Grow(buffer, length);
                        break;
                    case OperationStatus.NeedMoreData:
                        throw new InvalidDataException("The Brotli data is truncated.");
                    default:
                        throw new InvalidDataException("The Brotli data is corrupt.");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            decoder.Dispose();
        }
    }

    private static byte[] DecompressDeflate(ReadOnlySpan<byte> data, out int length)
    {
        if (data.Length < DeflateHeaderLength)
        {
            throw new InvalidDataException("The Deflate data is truncated.");
        }

        length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length is < 0 or > MaxDecompressedLength)
        {
            throw new InvalidDataException($"The Deflate data claims a length of {length} bytes.");
        }

        data = data[DeflateHeaderLength..];
        byte[] input = ArrayPool<byte>.Shared.Rent(data.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length + 1);
        try
        {
            data.CopyTo(input);
            using var source = new MemoryStream(input, 0, data.Length, writable: false);
            using var inflate = new DeflateStream(source, CompressionMode.Decompress);

            // Read one byte more than declared, to notice data that is longer than it claims.
            int total = 0;
            int read;
            while (total <= length && (read = inflate.Read(buffer, total, length + 1 - total)) > 0)
            {
                total += read;
            }

            if (total != length)
            {
                throw new InvalidDataException($"The Deflate data holds {(total > length ? "more" : "fewer")} bytes than its declared {length}.");
            }

            return buffer;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private static int InitialBufferSize(int compressedLength)
        => (int)Math.Clamp(compressedLength * 4L, MinDecompressBuffer, MaxDecompressedLength);

    private static byte[] Grow(byte[] buffer, int length)
    {
        if (buffer.Length >= MaxDecompressedLength)
        {
            throw new InvalidDataException($"The item decompresses to more than {MaxDecompressedLength} bytes.");
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, MaxDecompressedLength));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
