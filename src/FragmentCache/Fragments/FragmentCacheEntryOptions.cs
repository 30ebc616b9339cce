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

    /// <summary>
    /// Whether a stale copy (within <see cref="StaleWhileRevalidate"/>, or after a soft invalidation) or a copy inside
    /// <see cref="EarlyRecacheWindow"/> is refreshed in the background: the request that finds it gets the copy at once,
    /// like every other request, and the render runs on its own, not bound to any request's cancellation (it is
    /// cancelled only when the cache is disposed at shutdown). Once per key across processes (the store's lease); a
    /// render that throws is logged, never surfaced, and the copy keeps being served until a later request retries.
    /// Use it only where the render does not depend on the request. The default is <see langword="false"/>: the
    /// request that wins the lease renders in the foreground and waits for it (everyone else gets the copy at once).
    /// Needs a store with leases (Memcached, memory); without one there is no stale copy to serve.
    /// </summary>
    public bool BackgroundRefresh { get; init; }

    /// <summary>
    /// The label this fragment's lookups are counted under in <see cref="FragmentCacheStatistics"/> and on the meter's
    /// <c>fragment</c> tag. The default <see langword="null"/> means the key's <see cref="FragmentKey.Name"/>. Set it to a
    /// name from a small fixed set (the page cache uses <c>page</c> and the route template), never to a key or user input.
    /// </summary>
    public string? MetricName { get; init; }

    /// <summary>
    /// Whether the caller disposes the <see cref="FragmentResult"/> once it has written its bytes (and reads nothing of it
    /// afterwards). A hit from a store that can read into pooled buffers (<see cref="ICachePooledReadStore"/>: Memcached)
    /// then holds its bytes in a pooled array instead of a new one, returned to the pool when the last caller sharing it
    /// has disposed its result. The default is <see langword="false"/>: a result's bytes are the caller's to keep.
    /// </summary>
    public bool PooledResult { get; init; }
}
