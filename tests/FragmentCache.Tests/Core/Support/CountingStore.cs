namespace FragmentCache.Tests.Core;

/// <summary>Counts the keys read through a store (each key of a get-many counts, as memcached's <c>cmd_get</c> does).</summary>
internal sealed class CountingStore(ICacheStore inner) : ICacheStore
{
    private long _keysRead;

    public long KeysRead => Interlocked.Read(ref _keysRead);

    public ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _keysRead);
        return inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref _keysRead, keys.Count);
        return inner.GetManyAsync(keys, cancellationToken);
    }

    public ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.SetAsync(key, item, expiration, cancellationToken);

    public ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.AddAsync(key, item, expiration, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
        => inner.IncrementAsync(key, delta, initialValue, initialExpiration, cancellationToken);

    public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.TouchAsync(key, expiration, cancellationToken);

    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
}
