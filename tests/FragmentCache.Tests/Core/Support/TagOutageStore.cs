namespace FragmentCache.Tests.Core;

/// <summary>A memory store whose multi-gets and increments fail (the tag counters are unreachable).</summary>
internal sealed class TagOutageStore(MemoryCacheStore inner) : ForwardingLeaseStore(inner)
{
    public override ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        => ValueTask.FromException<IReadOnlyDictionary<string, CacheItem>>(new IOException("counters unreachable"));

    public override ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
        => ValueTask.FromException<ulong?>(new IOException("counters unreachable"));
}
