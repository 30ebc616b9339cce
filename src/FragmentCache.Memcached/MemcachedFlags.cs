namespace FragmentCache.Memcached;

/// <summary>
/// The layout of the 32-bit client flags stored with every value this client writes.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>Bit 31 (<see cref="Value"/>): always set on a value we store. memcached stores no flags for
/// a zero-length placeholder (for example the stub <c>mg ... N</c> creates), so a value without this bit and
/// without data is a placeholder, never a real empty value.</description></item>
/// <item><description>Low byte (<see cref="FormatMask"/>): the format, <see cref="FormatRaw"/> (bytes),
/// <see cref="FormatString"/> (UTF-8 text) or <see cref="FormatSerialized"/> (an object through the
/// <see cref="IMemcachedSerializer"/>).</description></item>
/// <item><description>Bit 8 (<see cref="Deflate"/>) or bit 9 (<see cref="Brotli"/>): the data is compressed
/// (Brotli, RFC 7932; or Deflate: the uncompressed length as a 4-byte little-endian integer followed by raw
/// RFC 1951 data, because raw Deflate cannot tell a truncated stream from a complete one). At most one is
/// set.</description></item>
/// </list>
/// Every other bit is reserved; a value with a reserved bit set is rejected.
/// </remarks>
internal static class MemcachedFlags
{
    /// <summary>Bit 31: set on every value this client stores.</summary>
    public const uint Value = 0x8000_0000;

    /// <summary>The low byte holds the format.</summary>
    public const uint FormatMask = 0x0000_00FF;

    /// <summary>Format 0: raw bytes.</summary>
    public const uint FormatRaw = 0;

    /// <summary>Format 1: a UTF-8 string.</summary>
    public const uint FormatString = 1;

    /// <summary>Format 2: an object written by the <see cref="IMemcachedSerializer"/>.</summary>
    public const uint FormatSerialized = 2;

    /// <summary>Bit 8: the data is a 4-byte little-endian uncompressed length, then raw Deflate (RFC 1951).</summary>
    public const uint Deflate = 0x0000_0100;

    /// <summary>Bit 9: the data is Brotli-compressed.</summary>
    public const uint Brotli = 0x0000_0200;

    /// <summary>Every bit this version understands.</summary>
    public const uint Known = Value | FormatMask | Deflate | Brotli;
}
