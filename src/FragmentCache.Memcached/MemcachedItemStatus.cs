namespace FragmentCache.Memcached;

/// <summary>The outcome of a get.</summary>
public enum MemcachedItemStatus
{
    /// <summary>No value (or only a lease placeholder).</summary>
    Miss,

    /// <summary>A value was found.</summary>
    Hit,

    /// <summary>The server was down, timed out or broke the protocol; treated as a miss.</summary>
    Failed,
}
