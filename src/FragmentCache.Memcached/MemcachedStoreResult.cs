namespace FragmentCache.Memcached;

/// <summary>The outcome of a store command.</summary>
public enum MemcachedStoreResult
{
    /// <summary>The value was stored.</summary>
    Stored,

    /// <summary>The condition of add, replace, append or prepend did not hold.</summary>
    NotStored,

    /// <summary>Check-and-set: the item changed since its CAS token was read.</summary>
    Exists,

    /// <summary>Check-and-set: the item no longer exists.</summary>
    NotFound,

    /// <summary>The value was larger than <see cref="MemcachedClientOptions.MaxItemSize"/>; the old value was deleted.</summary>
    TooLarge,

    /// <summary>The server was down, timed out or answered with an error.</summary>
    Failed,
}
