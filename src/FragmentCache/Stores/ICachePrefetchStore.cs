namespace FragmentCache;

/// <summary>
/// Optional capability of an <see cref="ICacheLeaseStore"/>: reading many keys ahead of their use (the fragment
/// prefetch, <see cref="IFragmentPrefetcher"/>) without disturbing the leases. A lease store without it is not
/// prefetched from; a store without leases is read with its plain <see cref="ICacheStore.GetManyAsync"/>.
/// </summary>
public interface ICachePrefetchStore
{
    /// <summary>
    /// Reads <paramref name="keys"/> in one batch, as <see cref="ICacheStore.GetManyAsync"/> does, but leaves out every
    /// value marked stale (<see cref="ICacheLeaseStore.InvalidateAsStaleAsync"/>), and leaves the right to rebuild such a
    /// value to the next <see cref="ICacheLeaseStore.GetOrLeaseAsync"/> of its key (a store whose plain reads take that
    /// right gives it back before this returns). Lease stubs are left out, as misses.
    /// </summary>
    /// <param name="keys">The keys; duplicates are read once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The values found, by key.</returns>
    ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyForPrefetchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);
}
