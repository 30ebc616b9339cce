namespace FragmentCache;

/// <summary>The answer of <see cref="ICacheLeaseStore.GetOrLeaseAsync"/>.</summary>
/// <param name="Item">The value, or <see langword="null"/> on a miss (including while another caller's stub holds the key).</param>
/// <param name="Status">Whether this caller won the lease.</param>
/// <param name="Stale">Whether the value was marked stale by <see cref="ICacheLeaseStore.InvalidateAsStaleAsync"/>.</param>
/// <param name="Lease">The lease; meaningful only when <paramref name="Status"/> is <see cref="CacheLeaseStatus.Won"/>.</param>
public readonly record struct CacheLeaseResult(CacheItem? Item, CacheLeaseStatus Status, bool Stale, CacheLease Lease);
