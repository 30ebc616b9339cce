namespace FragmentCache;

/// <summary>
/// The byte-level seam under the cache core: everything <see cref="ICache"/> and
/// <see cref="IFragmentCache"/> need from a backend (Memcached, memory, any <c>IDistributedCache</c>).
/// </summary>
/// <remarks>
/// <para>Keys arrive fully built (prefix and version included). A store that cannot hold a key as
/// given (memcached: longer than 250 bytes, or containing spaces or control characters) makes it
/// legal itself, for example by hashing it.</para>
/// <para>Expirations: <see langword="null"/> means "never expires"; a positive value is relative to
/// now; zero or negative means "expire at once" (a set then removes any old value).</para>
/// <para>Failures (timeouts, a server down) are thrown; the layer above turns them into misses.
/// Expected outcomes (a miss, an add on an existing key) are return values.</para>
/// <para>A store may also implement <see cref="ICacheLeaseStore"/> for stampede protection across
/// processes.</para>
/// </remarks>
public interface ICacheStore
{
    /// <summary>Reads one value.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item, or <see langword="null"/> on a miss.</returns>
    ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads several values in one round trip where the backend allows.</summary>
    /// <param name="keys">The full keys; duplicates are allowed.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Only the keys that were found.</returns>
    ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Stores a value unconditionally.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="item">The value and its flags.</param>
    /// <param name="expiration">Time to live; <see langword="null"/> = never expires; zero or negative = removes the key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when the backend refused it (for example too large), in which case any old value has been removed.</returns>
    ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default);

    /// <summary>Stores a value only if the key holds no value.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="item">The value and its flags.</param>
    /// <param name="expiration">Time to live; <see langword="null"/> = never expires; zero or negative = nothing is kept.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when this call stored the value.</returns>
    ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default);

    /// <summary>Removes a value.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when a value existed.</returns>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="delta"/> to a value holding an unsigned 64-bit ASCII decimal number, with
    /// memcached's semantics: a negative delta decrements and stops at 0; an increment wraps at 2^64.
    /// Atomic where the backend allows (memcached, memory); see each store's documentation.
    /// </summary>
    /// <param name="key">The full key.</param>
    /// <param name="delta">The amount to add; negative to subtract.</param>
    /// <param name="initialValue">When not <see langword="null"/>, a missing key is created with this value (the delta is not applied); when <see langword="null"/>, a missing key stays missing.</param>
    /// <param name="initialExpiration">Time to live of a key created from <paramref name="initialValue"/>; <see langword="null"/> = never expires.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new value, or <see langword="null"/> when the key is missing and no initial value was given.</returns>
    /// <exception cref="InvalidOperationException">The value is not a decimal number.</exception>
    ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default);

    /// <summary>Sets a new expiration on an existing value.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="expiration">Time to live; <see langword="null"/> = never expires; zero or negative = expire at once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the key existed.</returns>
    ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default);

    /// <summary>Removes every value (memcached: <c>flush_all</c>, which clears the whole server, not one prefix).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the store is empty.</returns>
    /// <exception cref="NotSupportedException">The backend cannot enumerate or flush its keys.</exception>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);
}
