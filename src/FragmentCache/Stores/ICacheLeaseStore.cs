namespace FragmentCache;

/// <summary>
/// Optional capability of an <see cref="ICacheStore"/>: leases that let exactly one caller across
/// all processes rebuild a missing, stale or nearly expired value. Shaped after memcached's meta
/// protocol so the Memcached store maps it one to one:
/// <list type="bullet">
/// <item><see cref="GetOrLeaseAsync"/> = <c>mg key v f c t N(lease) R(window)</c> (win = <c>W</c>, someone else holds it = <c>Z</c>, stale = <c>X</c>).</item>
/// <item><see cref="SetLeasedAsync"/> = <c>ms key C(token)</c>.</item>
/// <item><see cref="ReleaseLeaseAsync"/> = <c>md key C(token)</c> for a miss stub.</item>
/// <item><see cref="InvalidateAsStaleAsync"/> = <c>md key I T(stale time)</c>.</item>
/// </list>
/// </summary>
public interface ICacheLeaseStore
{
    /// <summary>
    /// Reads a value and, when it needs rebuilding, hands the rebuild lease to exactly one caller.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Miss: the first caller wins (<see cref="CacheLeaseStatus.Won"/>) and a value-less stub is
    /// created that lives <paramref name="leaseTime"/>; until it is replaced, released or expired, every
    /// other caller gets <see cref="CacheLeaseStatus.HeldByOther"/> and no item. The stub is not a value:
    /// plain gets miss on it (whether a plain add succeeds over it is up to the store).</item>
    /// <item>Hit whose remaining time to live is below <paramref name="recacheWindow"/>: every caller
    /// gets the value; exactly one of them also wins the lease (early recache).</item>
    /// <item>Stale (after <see cref="InvalidateAsStaleAsync"/>): every caller gets the value with
    /// <see cref="CacheLeaseResult.Stale"/> set; exactly one of them wins.</item>
    /// </list>
    /// </remarks>
    /// <param name="key">The full key.</param>
    /// <param name="leaseTime">How long a won lease on a miss lasts before another caller may win.</param>
    /// <param name="recacheWindow">Remaining time to live below which one caller wins an early-recache lease; <see cref="TimeSpan.Zero"/> disables early recache.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item (if any), whether this caller won, and whether the item is stale.</returns>
    ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, CancellationToken cancellationToken = default);

    /// <summary>Stores the rebuilt value if the lease is still current (compare-and-swap on the lease token).</summary>
    /// <param name="key">The full key.</param>
    /// <param name="item">The value and its flags.</param>
    /// <param name="expiration">Time to live; <see langword="null"/> = never expires.</param>
    /// <param name="lease">The lease returned by <see cref="GetOrLeaseAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when the value changed meanwhile (someone set, deleted or invalidated it).</returns>
    ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a lease back after a failed rebuild: a miss stub is deleted at once (the next caller wins
    /// again); for a stale or early-recache lease the old value stays and another caller may win.
    /// </summary>
    /// <param name="key">The full key.</param>
    /// <param name="lease">The lease returned by <see cref="GetOrLeaseAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default);

    /// <summary>Marks a value stale instead of deleting it: readers keep getting it (flagged stale) for at most <paramref name="staleTime"/>, while one of them rebuilds it.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="staleTime">How long the stale value is kept at most.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when a value existed.</returns>
    ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default);
}
