namespace FragmentCache.Memcached;

/// <summary>
/// How a Memcached client picks the server for a key. The default is <see cref="Ketama"/>.
/// </summary>
public enum MemcachedHashAlgorithm
{
    /// <summary>
    /// libmemcached's weighted ketama consistent hashing (MD5, 160 points per server), so keys land on the
    /// same servers as with libmemcached, pylibmc and PHP's memcached extension configured for ketama. The
    /// default.
    /// </summary>
    Ketama = 0,

    /// <summary>
    /// Rendezvous (highest random weight) hashing with MurmurHash3, compatible with pymemcache's
    /// <c>RendezvousHash</c>: adding or removing a server moves only that server's share of the keys.
    /// </summary>
    Rendezvous = 1,
}
