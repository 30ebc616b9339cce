using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace FragmentCache.Memcached;

/// <summary>
/// Turns values into the bytes and client flags stored in Memcached, and back (layout in
/// <see cref="MemcachedFlags"/>).
/// </summary>
/// <remarks>
/// <see cref="byte"/> arrays and <see cref="ReadOnlyMemory{T}"/> of bytes are stored raw, strings as UTF-8,
/// anything else through the <see cref="IMemcachedSerializer"/>. Raw bytes and strings are interchangeable on
/// read. Values at or above the compression threshold are compressed with Brotli and Deflate, and the smaller
/// result is kept if it is smaller than the original.
/// </remarks>
internal static partial class MemcachedValueCodec
{
    /// <summary>
    /// The most bytes a compressed value may expand to (128 MiB), so a small corrupt or hostile value cannot
    /// exhaust memory. Far above memcached's item size limit (1 MiB by default).
    /// </summary>
    public const int MaxDecompressedLength = 128 * 1024 * 1024;

    /// <summary>
    /// Appends the encoded <paramref name="value"/> to <paramref name="destination"/> and returns its flags.
    /// </summary>
    /// <param name="value">The value; not <see langword="null"/>.</param>
    /// <param name="serializer">Serializes values that are not bytes or strings.</param>
    /// <param name="compressionThreshold">
    /// Values whose encoded size is at least this many bytes are compressed when that makes them smaller;
    /// zero or negative turns compression off.
    /// </param>
    /// <param name="destination">Receives the bytes to store, after anything it already holds.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static uint Encode<T>(T value, IMemcachedSerializer serializer, int compressionThreshold, ArrayBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(destination);

        int start = destination.WrittenCount;
        uint format;
        if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            destination.Write(Unsafe.As<T, ReadOnlyMemory<byte>>(ref value).Span);
            format = MemcachedFlags.FormatRaw;
        }
        else if (value is byte[] bytes)
        {
            destination.Write(bytes);
            format = MemcachedFlags.FormatRaw;
        }
        else if (value is ReadOnlyMemory<byte> boxed)
        {
            destination.Write(boxed.Span);
            format = MemcachedFlags.FormatRaw;
        }
        else if (value is string text)
        {
            int count = Encoding.UTF8.GetByteCount(text);
            int written = Encoding.UTF8.GetBytes(text, destination.GetSpan(count));
            destination.Advance(written);
            format = MemcachedFlags.FormatString;
        }
        else
        {
            serializer.Serialize(destination, value);
            format = MemcachedFlags.FormatSerialized;
        }

        uint flags = MemcachedFlags.Value | format;
        int length = destination.WrittenCount - start;
        if (compressionThreshold > 0 && length >= compressionThreshold)
        {
            flags |= Compress(destination, start);
        }

        return flags;
    }

    /// <summary>
    /// Returns <see langword="true"/> for a placeholder rather than a value: no data and no
    /// <see cref="MemcachedFlags.Value"/> bit (what memcached returns for an item created by <c>mg ... N</c>).
    /// </summary>
    public static bool IsPlaceholder(int length, uint flags) => length == 0 && (flags & MemcachedFlags.Value) == 0;

    /// <summary>
    /// Decodes a stored value as <typeparamref name="T"/>.
    /// </summary>
    /// <remarks>
    /// Data without the <see cref="MemcachedFlags.Value"/> bit (stored by another client) is read as raw bytes,
    /// whatever its flags. Raw bytes and strings can be read as <see cref="byte"/>[],
    /// <see cref="ReadOnlyMemory{T}"/> or <see cref="string"/> (UTF-8), and as <see cref="object"/> they come
    /// back as a <see cref="byte"/>[] or <see cref="string"/>; anything else goes through the serializer.
    /// </remarks>
    /// <exception cref="InvalidDataException">
    /// The value is a placeholder (see <see cref="IsPlaceholder"/>), has unknown flag bits or format, its
    /// compressed data is corrupt, or the serializer cannot read it. Callers treat this as a miss.
    /// </exception>
    public static T? Decode<T>(ReadOnlySpan<byte> data, uint flags, IMemcachedSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);

        if ((flags & MemcachedFlags.Value) == 0)
        {
            if (data.IsEmpty)
            {
                throw new InvalidDataException("The item is a placeholder without a value.");
            }

            return Read<T>(data, MemcachedFlags.FormatRaw, serializer);
        }

        if ((flags & ~MemcachedFlags.Known) != 0)
        {
            throw new InvalidDataException($"The item has unknown client flags 0x{flags:X8}.");
        }

        uint format = flags & MemcachedFlags.FormatMask;
        if (format > MemcachedFlags.FormatSerialized)
        {
            throw new InvalidDataException($"The item has the unknown format {format}.");
        }

        uint compression = flags & (MemcachedFlags.Deflate | MemcachedFlags.Brotli);
        if (compression == 0)
        {
            return Read<T>(data, format, serializer);
        }

        if (compression == (MemcachedFlags.Deflate | MemcachedFlags.Brotli))
        {
            throw new InvalidDataException("The item claims two compressions.");
        }

        int length;
        byte[] buffer = compression == MemcachedFlags.Brotli
            ? DecompressBrotli(data, out length)
            : DecompressDeflate(data, out length);

        try
        {
            return Read<T>(buffer.AsSpan(0, length), format, serializer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static T? Read<T>(ReadOnlySpan<byte> data, uint format, IMemcachedSerializer serializer)
    {
        if (typeof(T) == typeof(byte[]))
        {
            return (T)(object)data.ToArray();
        }

        if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            var memory = new ReadOnlyMemory<byte>(data.ToArray());
            return Unsafe.As<ReadOnlyMemory<byte>, T>(ref memory);
        }

        if (typeof(T) == typeof(string) && format != MemcachedFlags.FormatSerialized)
        {
            return (T)(object)Encoding.UTF8.GetString(data);
        }

        // Read as object, bytes and strings come back as what was stored.
        if (typeof(T) == typeof(object) && format != MemcachedFlags.FormatSerialized)
        {
            return format == MemcachedFlags.FormatString
                ? (T)(object)Encoding.UTF8.GetString(data)
                : (T)(object)data.ToArray();
        }

        try
        {
            return serializer.Deserialize<T>(data);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"The serializer could not read the item as {typeof(T)}.", ex);
        }
    }
}
