namespace FragmentCache;

/// <summary>
/// Django's low-level cache API (<c>django.core.cache.cache</c>), async and typed.
/// </summary>
/// <remarks>
/// <para>Keys become <c>{KeyPrefix}:{Version}:{key}</c> (or whatever <see cref="FragmentCacheOptions.KeyFunction"/> builds).</para>
/// <para>Timeouts: <see langword="null"/> (omitted) = <see cref="FragmentCacheOptions.DefaultTimeout"/> (5 minutes by
/// default); <see cref="Timeout.InfiniteTimeSpan"/> = never expires; zero or negative = not kept (and any old value is removed).</para>
/// <para>Strings are stored as raw UTF-8 and byte arrays as raw bytes, so other clients can read them; everything else
/// goes through <see cref="ICacheSerializer"/> (System.Text.Json by default). A stored <see langword="null"/> is a hit.</para>
/// <para>A store with <see cref="FragmentCacheOptions.Compatibility"/> <see cref="CacheCompatibility.Django"/> stores strings,
/// byte arrays and integers as Django's <c>PyMemcacheCache</c> does and refuses other types
/// (<see cref="NotSupportedException"/>) and keys Django's rules refuse (<see cref="ArgumentException"/>).</para>
/// <para>Store failures are misses (plus a rate-limited log line and a metric) unless
/// <see cref="FragmentCacheOptions.ThrowOnError"/> is set. Increments always throw on failure: there is no value to pretend.</para>
/// </remarks>
public interface ICache
{
    /// <summary>Reads a value, telling a stored <see langword="null"/> apart from a miss.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether the key was found, and its value.</returns>
    ValueTask<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads a value (Django's <c>get(key, default)</c>).</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">Returned on a miss. The default is <c>default(T)</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The stored value (possibly <see langword="null"/>), or <paramref name="defaultValue"/> on a miss.</returns>
    ValueTask<T?> GetAsync<T>(string key, T? defaultValue = default, CancellationToken cancellationToken = default);

    /// <summary>Stores a value (Django's <c>set</c>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value; <see langword="null"/> is stored as a hit.</param>
    /// <param name="timeout">Time to live; the default <see langword="null"/> means <see cref="FragmentCacheOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when stored (or, for a zero timeout, removed).</returns>
    ValueTask<bool> SetAsync<T>(string key, T value, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Stores a value only if the key is absent (Django's <c>add</c>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timeout">Time to live; the default <see langword="null"/> means <see cref="FragmentCacheOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> only if the key was absent and this call stored it.</returns>
    ValueTask<bool> AddAsync<T>(string key, T value, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the cached value, or runs <paramref name="factory"/> once on a miss, adds its result and
    /// returns what the cache then holds (Django's <c>get_or_set</c>). Concurrent callers for one key in
    /// this process share one factory run; if the caller running it is cancelled, the others start again.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="factory">Builds the value on a miss.</param>
    /// <param name="timeout">Time to live; the default <see langword="null"/> means <see cref="FragmentCacheOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait and the factory.</param>
    /// <returns>The cached or built value.</returns>
    ValueTask<T> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="GetOrSetAsync{T}(string, Func{CancellationToken, ValueTask{T}}, TimeSpan?, CancellationToken)"/> with
    /// stale-while-revalidate, early recache and background refresh (<see cref="CacheEntryOptions"/>): on a store with
    /// leases one caller in the whole farm runs the factory on a miss (the others wait for its value, at most
    /// <see cref="FragmentCacheStampedeOptions.LeaseTime"/>), and within the stale or early-recache window every caller
    /// but that one gets the stored value at once. Without leases, or with neither window, it is the plain
    /// <c>GetOrSetAsync</c> with <see cref="CacheEntryOptions.Timeout"/>; so is this default implementation, which
    /// other <see cref="ICache"/> implementations inherit.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="factory">
    /// Builds the value on a miss or a rebuild. If it throws, nothing is stored, the old value stays, and the exception
    /// reaches the caller, or, for a background refresh, is logged.
    /// </param>
    /// <param name="options">How the value is kept.</param>
    /// <param name="cancellationToken">Cancels the wait and a foreground factory (not a background refresh).</param>
    /// <returns>The cached, stale or built value.</returns>
    ValueTask<T> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, CacheEntryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return GetOrSetAsync(key, factory, options.Timeout, cancellationToken);
    }

    /// <summary>Reads several values (Django's <c>get_many</c>).</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Only the keys that were found (including those holding <see langword="null"/>).</returns>
    ValueTask<IReadOnlyDictionary<string, T?>> GetManyAsync<T>(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Stores several values (Django's <c>set_many</c>).</summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="values">The keys and values.</param>
    /// <param name="timeout">Time to live; the default <see langword="null"/> means <see cref="FragmentCacheOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The keys that could not be stored; empty on success.</returns>
    ValueTask<IReadOnlyList<string>> SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> values, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a value (Django's <c>delete</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the key existed.</returns>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes several values (Django's <c>delete_many</c>).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when all are removed.</returns>
    ValueTask DeleteManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds to a number (Django's <c>incr</c>); atomic where the store allows (Memcached, memory).
    /// Counters are unsigned, as in memcached: a decrement stops at 0.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="delta">The amount to add. The default is 1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new value.</returns>
    /// <exception cref="KeyNotFoundException">The key is missing (as Django's <c>ValueError</c>).</exception>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    ValueTask<long> IncrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default);

    /// <summary>Subtracts from a number (Django's <c>decr</c>); stops at 0.</summary>
    /// <param name="key">The key.</param>
    /// <param name="delta">The amount to subtract. The default is 1.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new value.</returns>
    /// <exception cref="KeyNotFoundException">The key is missing.</exception>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    ValueTask<long> DecrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default);

    /// <summary>Sets a new timeout on an existing key (Django's <c>touch</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="timeout">Time to live; the default <see langword="null"/> means <see cref="FragmentCacheOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the key existed.</returns>
    ValueTask<bool> TouchAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Removes everything from the store (Django's <c>clear</c>; on Memcached the whole server, not only this prefix).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the store is empty.</returns>
    /// <exception cref="NotSupportedException">The store cannot be cleared (an <c>IDistributedCache</c>).</exception>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a value from its version to version + <paramref name="delta"/> (Django's <c>incr_version</c>).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="delta">How far to move. The default is 1.</param>
    /// <param name="version">The version to move from; the default <see langword="null"/> means this cache's version.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="KeyNotFoundException">The key is missing at <paramref name="version"/>.</exception>
    ValueTask<int> IncrementVersionAsync(string key, int delta = 1, int? version = null, CancellationToken cancellationToken = default);

    /// <summary>A view of this cache that reads and writes keys of another version (Django's <c>version=</c> argument).</summary>
    /// <param name="version">The version.</param>
    /// <returns>The same cache, keyed with <paramref name="version"/>.</returns>
    ICache WithVersion(int version);
}
