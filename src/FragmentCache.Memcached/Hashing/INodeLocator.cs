namespace FragmentCache.Memcached;

/// <summary>
/// Picks the server that owns a key.
/// </summary>
internal interface INodeLocator
{
    /// <summary>
    /// Returns the index, into the server list the locator was built with, of the server that owns
    /// <paramref name="key"/> (the wire key's bytes).
    /// </summary>
    int Locate(ReadOnlySpan<byte> key);
}
