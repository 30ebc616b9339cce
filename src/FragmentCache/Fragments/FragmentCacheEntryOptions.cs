namespace FragmentCache;

/// <summary>How one fragment is cached.</summary>
public sealed class FragmentCacheEntryOptions
{
    /// <summary>
    /// Time to live. The default <see langword="null"/> means <see cref="FragmentCacheOptions.DefaultTimeout"/>;
    /// <see cref="Timeout.InfiniteTimeSpan"/> = never expires; zero or negative = rendered every time, never cached.
    /// </summary>
    public TimeSpan? Expiration { get; init; }

    /// <summary>Tags the fragment carries; invalidating any of them invalidates the fragment everywhere. The default is none.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// How long past its expiration the fragment may still be served while one request rebuilds it.
    /// The default <see langword="null"/> means <see cref="FragmentCacheStampedeOptions.StaleWhileRevalidate"/>.
    /// Needs a store with leases (Memcached, memory). A negative value counts as zero.
    /// </summary>
    public TimeSpan? StaleWhileRevalidate { get; init; }

    /// <summary>
    /// How long before its expiration one request starts rebuilding the fragment while others keep the current copy.
    /// The default <see langword="null"/> means <see cref="FragmentCacheStampedeOptions.EarlyRecacheWindow"/>.
    /// Needs a store with leases (Memcached, memory). A negative value counts as zero.
    /// </summary>
    public TimeSpan? EarlyRecacheWindow { get; init; }
}
