namespace FragmentCache.Tests.Core;

/// <summary>A store whose backend is down: every call throws.</summary>
internal sealed class ThrowingStore : ICacheStore, ICacheLeaseStore
{
    public int Calls { get; private set; }

    public ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default) => Fail<CacheItem?>();

    public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => Fail<IReadOnlyDictionary<string, CacheItem>>();

    public ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => Fail<bool>();

    public ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => Fail<bool>();

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Fail<bool>();

    public ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default) => Fail<ulong?>();

    public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default) => Fail<bool>();

    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => Fail<bool>().AsTaskIgnoringResult();

    public ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, CancellationToken cancellationToken = default) => Fail<CacheLeaseResult>();

    public ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease, CancellationToken cancellationToken = default) => Fail<bool>();

    public ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default) => Fail<bool>().AsTaskIgnoringResult();

    public ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default) => Fail<bool>();

    private ValueTask<T> Fail<T>()
    {
        Calls++;
        return ValueTask.FromException<T>(new IOException("backend down"));
    }
}

internal static class ValueTaskExtensions
{
    public static async ValueTask AsTaskIgnoringResult<T>(this ValueTask<T> task) => await task;
}
