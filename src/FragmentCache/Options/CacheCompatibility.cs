namespace FragmentCache;

/// <summary>Which other application a store shares its keys and values with (<see cref="FragmentCacheOptions.Compatibility"/>).</summary>
public enum CacheCompatibility
{
    /// <summary>FragmentCache's own formats: any value type, illegal Memcached keys hashed, large values compressed.</summary>
    None = 0,

    /// <summary>
    /// Django's <c>PyMemcacheCache</c>: Django's key rules (at most 250 characters, no space, control character or
    /// non-ASCII character; an illegal key is refused, never hashed) and pymemcache's value flags (string 16, bytes 0,
    /// integers 2); any other value type is refused, pickles read as misses, nothing is compressed.
    /// </summary>
    Django = 1,
}
