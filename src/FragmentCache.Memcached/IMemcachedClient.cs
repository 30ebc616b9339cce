namespace FragmentCache.Memcached;

/// <summary>
/// A Memcached client: thread-safe, shared, one per application. Keys may be any string: keys that are not
/// legal on the wire are hashed, so no key can inject a command. Expirations: <see langword="null"/> or
/// <see cref="Timeout.InfiniteTimeSpan"/> = never; zero or negative = expire at once; up to 30 days = relative;
/// longer = converted to an absolute time. Unless <see cref="MemcachedClientOptions.ThrowOnError"/> is set, a
/// failure is reported as a miss, <see langword="false"/> or <see cref="MemcachedStoreResult.Failed"/>.
/// </summary>
public interface IMemcachedClient
{
    /// <summary>Gets a value, decoded as <typeparamref name="T"/>; <see langword="default"/> on a miss.</summary>
    ValueTask<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Gets the raw item with its flags, and optionally its CAS, lifetime and lease state.</summary>
    ValueTask<MemcachedItem> GetItemAsync(string key, MemcachedGetOptions options = default, CancellationToken cancellationToken = default);

    /// <summary>Gets many values at once (one pipelined batch per server, all servers in parallel). Only hits are returned.</summary>
    Task<IDictionary<string, T?>> GetManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Stores a value unconditionally. Returns whether it was stored.</summary>
    ValueTask<bool> SetAsync<T>(string key, T value, TimeSpan? expiration = null, CancellationToken cancellationToken = default);

    /// <summary>Stores a value only if the key does not exist. Returns whether it was stored.</summary>
    ValueTask<bool> AddAsync<T>(string key, T value, TimeSpan? expiration = null, CancellationToken cancellationToken = default);

    /// <summary>Stores a value only if the key exists. Returns whether it was stored.</summary>
    ValueTask<bool> ReplaceAsync<T>(string key, T value, TimeSpan? expiration = null, CancellationToken cancellationToken = default);

    /// <summary>Appends bytes to an existing value. Returns whether the key existed.</summary>
    ValueTask<bool> AppendAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Prepends bytes to an existing value. Returns whether the key existed.</summary>
    ValueTask<bool> PrependAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// The general store: any <paramref name="mode"/>, optionally gated by a CAS token (check-and-set, or the
    /// token of a won lease). With <paramref name="cas"/> 0 there is no check.
    /// </summary>
    ValueTask<MemcachedStoreResult> StoreAsync<T>(MemcachedStoreMode mode, string key, T value, TimeSpan? expiration = null,
        ulong cas = 0, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key. Returns whether it existed.</summary>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a value stale instead of deleting it: readers still get it (with <see cref="MemcachedItem.Stale"/>)
    /// for at most <paramref name="staleFor"/>, and one of them wins the lease to recompute it. Returns whether
    /// the key existed.
    /// </summary>
    ValueTask<bool> InvalidateAsync(string key, TimeSpan staleFor, CancellationToken cancellationToken = default);

    /// <summary>Sets a new expiration. Returns whether the key existed.</summary>
    ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically adds <paramref name="delta"/> to a counter stored as a decimal string (wrapping at 2^64).
    /// A missing key is created with <paramref name="initialValue"/> when one is given; otherwise the result is
    /// <see langword="null"/>.
    /// </summary>
    ValueTask<ulong?> IncrementAsync(string key, ulong delta = 1, ulong? initialValue = null, TimeSpan? expiration = null,
        CancellationToken cancellationToken = default);

    /// <summary>Atomically subtracts from a counter, stopping at 0. Otherwise like <see cref="IncrementAsync"/>.</summary>
    ValueTask<ulong?> DecrementAsync(string key, ulong delta = 1, ulong? initialValue = null, TimeSpan? expiration = null,
        CancellationToken cancellationToken = default);

    /// <summary>Invalidates every item on every server. Returns whether every server confirmed.</summary>
    Task<bool> FlushAllAsync(CancellationToken cancellationToken = default);

    /// <summary>The version of each server (<see langword="null"/> for one that is down).</summary>
    Task<IReadOnlyDictionary<string, string?>> GetVersionsAsync(CancellationToken cancellationToken = default);

    /// <summary>The <c>stats</c> of each server (<see langword="null"/> for one that is down).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>?>> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>The health of each server, as the client sees it now (no I/O).</summary>
    IReadOnlyList<MemcachedServerStatus> GetServerStatuses();
}
