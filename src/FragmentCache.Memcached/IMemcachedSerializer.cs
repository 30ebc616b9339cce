using System.Buffers;

namespace FragmentCache.Memcached;

/// <summary>
/// Turns objects into bytes for Memcached and back. Used for every value that is not a <see cref="string"/>,
/// a <see cref="byte"/> array or a <see cref="ReadOnlyMemory{T}"/> of bytes (those are stored as they are).
/// The default is <see cref="SystemTextJsonMemcachedSerializer"/>.
/// </summary>
/// <remarks>Implementations must be thread-safe.</remarks>
public interface IMemcachedSerializer
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="writer"/>.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="writer">Receives the serialized bytes.</param>
    /// <param name="value">The value to serialize.</param>
    void Serialize<T>(IBufferWriter<byte> writer, T value);

    /// <summary>Reads a value written by <see cref="Serialize{T}"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="data">The serialized bytes.</param>
    /// <returns>The value; <see langword="null"/> if the data encodes a null value.</returns>
    T? Deserialize<T>(ReadOnlySpan<byte> data);
}
