using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Infrastructure;

/// <summary>A store that forwards to another until <see cref="Down"/> is set, then fails every call as a dead server would.</summary>
public sealed class FlakyStore(ICacheStore inner) : ICacheStore, ICacheLeaseStore
{
    private readonly ICacheLeaseStore _leases = (ICacheLeaseStore)inner;

    /// <summary>A fresh in-memory store (the core's own, built through its DI) on the given clock.</summary>
    public static FlakyStore CreateMemory(TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddFragmentCache(_ => { });
        return new FlakyStore(services.BuildServiceProvider().GetRequiredService<ICacheStore>());
    }

    public bool Down { get; set; }

    public int Sets { get; private set; }

    /// <summary>When set, deletes fail as a dead server's would while every other call goes through.</summary>
    public bool DeletesDown { get; set; }

    /// <summary>The deletes asked of this store, failed ones included.</summary>
    public int Deletes { get; private set; }

    /// <summary>Every key and value written with <see cref="SetAsync"/>, for tests that check what reaches the store.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Key, byte[] Value)> Written { get; } = new();

    private void Check()
    {
        if (Down)
        {
            throw new TimeoutException("store down (test)");
        }
    }

    public ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Check();
        return inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        Check();
        return inner.GetManyAsync(keys, cancellationToken);
    }

    public ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        Check();
        Sets++;
        Written.Enqueue((key, item.Value.ToArray()));
        return inner.SetAsync(key, item, expiration, cancellationToken);
    }

    public ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        Check();
        return inner.AddAsync(key, item, expiration, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Check();
        Deletes++;
        if (DeletesDown)
        {
            throw new TimeoutException("store delete down (test)");
        }

        return inner.DeleteAsync(key, cancellationToken);
    }

    public ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
    {
        Check();
        return inner.IncrementAsync(key, delta, initialValue, initialExpiration, cancellationToken);
    }

    public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        Check();
        return inner.TouchAsync(key, expiration, cancellationToken);
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        Check();
        return inner.ClearAsync(cancellationToken);
    }

    public ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, CancellationToken cancellationToken = default)
    {
        Check();
        return _leases.GetOrLeaseAsync(key, leaseTime, recacheWindow, cancellationToken);
    }

    public ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease, CancellationToken cancellationToken = default)
    {
        Check();
        Sets++;
        return _leases.SetLeasedAsync(key, item, expiration, lease, cancellationToken);
    }

    public ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default)
    {
        Check();
        return _leases.ReleaseLeaseAsync(key, lease, cancellationToken);
    }

    public ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default)
    {
        Check();
        return _leases.InvalidateAsStaleAsync(key, staleTime, cancellationToken);
    }
}
