namespace FragmentCache.Tests.Core;

/// <summary>A memory store with leases, every call forwarded; tests override the calls they fault.</summary>
internal class ForwardingLeaseStore(MemoryCacheStore inner) : ICacheStore, ICacheLeaseStore
{
    public virtual ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        => inner.GetManyAsync(keys, cancellationToken);

    public ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.SetAsync(key, item, expiration, cancellationToken);

    public ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.AddAsync(key, item, expiration, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public virtual ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
        => inner.IncrementAsync(key, delta, initialValue, initialExpiration, cancellationToken);

    public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.TouchAsync(key, expiration, cancellationToken);

    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);

    public ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, CancellationToken cancellationToken = default)
        => inner.GetOrLeaseAsync(key, leaseTime, recacheWindow, cancellationToken);

    public ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease, CancellationToken cancellationToken = default)
        => inner.SetLeasedAsync(key, item, expiration, lease, cancellationToken);

    public ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(key, lease, cancellationToken);

    public ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default)
        => inner.InvalidateAsStaleAsync(key, staleTime, cancellationToken);
}
