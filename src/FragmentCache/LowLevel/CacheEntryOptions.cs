namespace FragmentCache;

/// <summary>
/// How <see cref="ICache.GetOrSetAsync{T}(string, Func{CancellationToken, ValueTask{T}}, CacheEntryOptions, CancellationToken)"/>
/// keeps a value: its time to live, and whether it is rebuilt while the old value is still served.
/// </summary>
public sealed class CacheEntryOptions
{
    /// <summary>
    /// Time to live. The default <see langword="null"/> means <see cref="FragmentCacheOptions.DefaultTimeout"/>;
    /// <see cref="Timeout.InfiniteTimeSpan"/> = never expires; zero or negative = not kept.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// How long past <see cref="Timeout"/> the old value may still be served while one caller (in the whole farm) rebuilds
    /// it; only that caller waits, unless <see cref="BackgroundRefresh"/> is set. The value stays in the store for
    /// <see cref="Timeout"/> plus this window, so plain reads (<see cref="ICache.GetAsync{T}"/>) see it until then.
    /// The default <see langword="null"/> means <see cref="FragmentCacheStampedeOptions.StaleWhileRevalidate"/> (zero,
    /// off, unless configured). Needs a store with leases (Memcached, memory). A negative value counts as zero.
    /// </summary>
    public TimeSpan? StaleWhileRevalidate { get; init; }

    /// <summary>
    /// How long before <see cref="Timeout"/> one caller starts rebuilding the value while every other caller keeps the
    /// current one. The default <see langword="null"/> means <see cref="FragmentCacheStampedeOptions.EarlyRecacheWindow"/>
    /// (zero, off, unless configured). Needs a store with leases (Memcached, memory). A negative value counts as zero.
    /// </summary>
    public TimeSpan? EarlyRecacheWindow { get; init; }

    /// <summary>
    /// Whether the rebuild of a stale or early-recache value runs in the background: the caller that wins the rebuild
    /// gets the old value at once, like every other caller, and the factory runs on its own with a token that is
    /// cancelled only when the cache is disposed at shutdown. Once per key across processes (the store's lease); a
    /// factory that throws is logged, never surfaced, and the old value keeps being served until a later caller retries.
    /// The default is <see langword="false"/>: the winner runs the factory and waits for it.
    /// </summary>
    public bool BackgroundRefresh { get; init; }
}
