namespace FragmentCache.Memcached;

/// <summary>Which store command to send.</summary>
public enum MemcachedStoreMode
{
    /// <summary>Store unconditionally.</summary>
    Set,

    /// <summary>Store only if the key does not exist.</summary>
    Add,

    /// <summary>Store only if the key exists.</summary>
    Replace,

    /// <summary>Append to an existing value.</summary>
    Append,

    /// <summary>Prepend to an existing value.</summary>
    Prepend,
}
