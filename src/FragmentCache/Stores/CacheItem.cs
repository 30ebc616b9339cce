namespace FragmentCache;

/// <summary>
/// One value as a store holds it: bytes plus a 32-bit flags word (memcached's "client flags").
/// </summary>
/// <remarks>
/// The flags mark the value's format (see <see cref="CacheItemFlags"/>). Stores keep the flags
/// verbatim; only the layer above interprets them.
/// </remarks>
/// <param name="Value">The stored bytes. An empty value is a legal value, not a miss.</param>
/// <param name="Flags">The flags word stored with the value. The default is 0.</param>
public readonly record struct CacheItem(ReadOnlyMemory<byte> Value, uint Flags);
