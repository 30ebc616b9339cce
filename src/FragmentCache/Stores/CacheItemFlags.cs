namespace FragmentCache;

/// <summary>
/// The meaning of the bits of <see cref="CacheItem.Flags"/>, shared by every store and client.
/// </summary>
public static class CacheItemFlags
{
    /// <summary>Bit 31: set on every value written by FragmentCache, so a lease stub (flags 0) is never mistaken for a value.</summary>
    public const uint Value = 0x8000_0000u;

    /// <summary>The low byte holds the format.</summary>
    public const uint FormatMask = 0xFFu;

    /// <summary>Format 0: raw bytes (a <c>byte[]</c>, or a fragment entry).</summary>
    public const uint RawBytes = 0;

    /// <summary>Format 1: a UTF-8 string.</summary>
    public const uint Utf8String = 1;

    /// <summary>Format 2: an object serialized by the configured <see cref="ICacheSerializer"/> (JSON by default).</summary>
    public const uint Serialized = 2;

    /// <summary>
    /// Bits 8-15 belong to the store: the Memcached store marks compression there (the same layout as the
    /// Memcached client's own values). Callers leave them clear; every other bit round-trips verbatim.
    /// </summary>
    public const uint StoreReserved = 0x0000_FF00u;

    /// <summary>Returns the format (low byte) of a flags word.</summary>
    /// <param name="flags">The flags word.</param>
    /// <returns>One of <see cref="RawBytes"/>, <see cref="Utf8String"/>, <see cref="Serialized"/>, or another value written by a foreign client.</returns>
    public static uint GetFormat(uint flags) => flags & FormatMask;
}
