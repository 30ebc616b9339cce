namespace FragmentCache;

/// <summary>
/// Turns objects into bytes for <see cref="ICache"/>. Strings and byte arrays never reach it: they are
/// stored raw so other clients can read them. The default is System.Text.Json with
/// <see cref="System.Text.Json.JsonSerializerDefaults.Web"/> settings; register your own
/// <see cref="ICacheSerializer"/> singleton before <c>AddFragmentCache</c> to replace it.
/// </summary>
public interface ICacheSerializer
{
    /// <summary>Serializes a value.</summary>
    /// <typeparam name="T">The declared type.</typeparam>
    /// <param name="value">The value; may be <see langword="null"/>.</param>
    /// <returns>The bytes to store.</returns>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="bytes">The stored bytes.</param>
    /// <returns>The value, which may be <see langword="null"/> when <see langword="null"/> was stored.</returns>
    /// <exception cref="Exception">Any exception means the bytes cannot be read as <typeparamref name="T"/>; the cache reports a miss.</exception>
    T? Deserialize<T>(ReadOnlySpan<byte> bytes);
}
