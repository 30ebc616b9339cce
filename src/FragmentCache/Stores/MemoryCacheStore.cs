using Microsoft.Extensions.Caching.Memory;

namespace FragmentCache;

/// <summary>
/// The in-process store on <c>Microsoft.Extensions.Caching.Memory</c>: the default when no servers are
/// configured. Every operation, increments and leases included, is atomic within the process
/// (per-key striped locks); nothing is shared with other processes.
/// </summary>
/// <remarks>
/// With a size limit, each entry counts its key (UTF-16), its value and <see cref="EntryOverhead"/> bytes. A write that
/// does not fit compacts the cache at once (expired entries first, then tag counters last, least recently used first)
/// and is tried again, so the newest value is kept and the total never passes the limit. A value larger than the whole
/// limit is not stored, and the old value of its key is removed, as memcached does with a value over its item size.
/// </remarks>
internal sealed class MemoryCacheStore : ICacheStore, ICacheLeaseStore, ICacheLifetimeStore, ICachePrefetchStore, IDisposable
{
    private const int LockStripes = 64;

    /// <summary>Bytes counted per entry beyond its key and value: the entry objects themselves, roughly.</summary>
    internal const int EntryOverhead = 64;

    // Each compaction drops this share of the entries; a write that still does not fit compacts again, a few times at most.
    private const double CompactionShare = 0.1;
    private const int MaxCompactions = 8;

    private readonly MemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly object[] _locks;
    private readonly long? _sizeLimit;
    private long _nextCas;

    public MemoryCacheStore(TimeProvider timeProvider, long? sizeLimit = null)
    {
        if (sizeLimit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeLimit), sizeLimit, "The size limit must be positive.");
        }

        _time = timeProvider;
        _sizeLimit = sizeLimit;
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            Clock = new TimeProviderClock(timeProvider),
            SizeLimit = sizeLimit,
            TrackStatistics = sizeLimit is not null,
        });
        _locks = new object[LockStripes];
        for (var i = 0; i < _locks.Length; i++)
        {
            _locks[i] = new object();
        }
    }

    public ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var entry = Find(key);
        return ValueTask.FromResult(entry is null || entry.IsStub ? (CacheItem?)null : new CacheItem(entry.Value, entry.Flags));
    }

    public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<string, CacheItem>(keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var entry = Find(keys[i]);
            if (entry is { IsStub: false })
            {
                found[keys[i]] = new CacheItem(entry.Value, entry.Flags);
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, CacheItem>>(found);
    }

    /// <summary>A plain get-many without the values marked stale (reading one here takes nothing from a lease).</summary>
    public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyForPrefetchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<string, CacheItem>(keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (Find(keys[i]) is { IsStub: false, Stale: false } entry)
            {
                found[keys[i]] = new CacheItem(entry.Value, entry.Flags);
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, CacheItem>>(found);
    }

    public ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            if (IsImmediate(expiration))
            {
                _cache.Remove(key);
                return ValueTask.FromResult(true);
            }

            return ValueTask.FromResult(Put(key, NewEntry(item, expiration)));
        }
    }

    public ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            if (Find(key) is { IsStub: false })
            {
                return ValueTask.FromResult(false);
            }

            if (IsImmediate(expiration))
            {
                return ValueTask.FromResult(true);
            }

            return ValueTask.FromResult(Put(key, NewEntry(item, expiration)));
        }
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var existed = Find(key) is { IsStub: false };
            _cache.Remove(key);
            return ValueTask.FromResult(existed);
        }
    }

    public ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var entry = Find(key);
            if (entry is null || entry.IsStub)
            {
                if (initialValue is not { } initial)
                {
                    return ValueTask.FromResult<ulong?>(null);
                }

                if (!IsImmediate(initialExpiration))
                {
                    Put(key, NewEntry(new CacheItem(DecimalValue.Format(initial), CacheItemFlags.Value), initialExpiration), CacheItemPriority.High);
                }

                return ValueTask.FromResult<ulong?>(initial);
            }

            if (!DecimalValue.TryParse(entry.Value, out var current))
            {
                throw new InvalidOperationException("Cannot increment or decrement a value that is not a decimal number.");
            }

            var next = DecimalValue.Add(current, delta);
            Put(key, entry with { Value = DecimalValue.Format(next), Cas = NextCas() }, CacheItemPriority.High);
            return ValueTask.FromResult<ulong?>(next);
        }
    }

    public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var entry = Find(key);
            if (entry is null || entry.IsStub)
            {
                return ValueTask.FromResult(false);
            }

            if (IsImmediate(expiration))
            {
                _cache.Remove(key);
            }
            else
            {
                Put(key, entry with { ExpiresAt = ExpiresAt(expiration) });
            }

            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> ExtendAsync(string key, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var entry = Find(key);
            if (entry is null || entry.IsStub)
            {
                return ValueTask.FromResult(false);
            }

            if (entry.ExpiresAt is { } current && (lifetime is not { } wanted || current < _time.GetUtcNow() + wanted))
            {
                Put(key, entry with { ExpiresAt = ExpiresAt(lifetime) });
            }

            return ValueTask.FromResult(true);
        }
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        _cache.Clear();
        return ValueTask.CompletedTask;
    }

    public ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var entry = Find(key);
            if (entry is null)
            {
                var stub = new MemoryStoreEntry([], 0, NextCas(), ExpiresAt(leaseTime), IsStub: true, Stale: false, WinTokenSent: true);
                Put(key, stub);
                return ValueTask.FromResult(new CacheLeaseResult(null, CacheLeaseStatus.Won, false, new CacheLease(stub.Cas, IsStub: true)));
            }

            if (entry.IsStub)
            {
                return ValueTask.FromResult(new CacheLeaseResult(null, CacheLeaseStatus.HeldByOther, false, default));
            }

            var item = new CacheItem(entry.Value, entry.Flags);
            var wantsRebuild = entry.Stale
                || (recacheWindow > TimeSpan.Zero && entry.ExpiresAt is { } at && at - _time.GetUtcNow() < recacheWindow);
            if (!wantsRebuild)
            {
                return ValueTask.FromResult(new CacheLeaseResult(item, CacheLeaseStatus.None, false, default));
            }

            if (entry.WinTokenSent)
            {
                return ValueTask.FromResult(new CacheLeaseResult(item, CacheLeaseStatus.HeldByOther, entry.Stale, default));
            }

            Put(key, entry with { WinTokenSent = true });
            return ValueTask.FromResult(new CacheLeaseResult(item, CacheLeaseStatus.Won, entry.Stale, new CacheLease(entry.Cas, IsStub: false)));
        }
    }

    public ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var entry = Find(key);
            if (entry is null || entry.Cas != lease.Token)
            {
                return ValueTask.FromResult(false);
            }

            if (IsImmediate(expiration))
            {
                _cache.Remove(key);
            }
            else
            {
                return ValueTask.FromResult(Put(key, NewEntry(item, expiration)));
            }

            return ValueTask.FromResult(true);
        }
    }

    public ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var entry = Find(key);
            if (entry is not null && entry.Cas == lease.Token)
            {
                if (entry.IsStub)
                {
                    _cache.Remove(key);
                }
                else
                {
                    Put(key, entry with { WinTokenSent = false });
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default)
    {
        lock (LockFor(key))
        {
            var entry = Find(key);
            if (entry is null || entry.IsStub)
            {
                return ValueTask.FromResult(false);
            }

            if (staleTime <= TimeSpan.Zero)
            {
                _cache.Remove(key);
            }
            else
            {
                Put(key, entry with { Stale = true, WinTokenSent = false, Cas = NextCas(), ExpiresAt = ExpiresAt(staleTime) });
            }

            return ValueTask.FromResult(true);
        }
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>When a value expires: <see langword="false"/> when there is none; <paramref name="expiresAt"/> null = never.</summary>
    internal bool TryGetExpiration(string key, out DateTimeOffset? expiresAt)
    {
        var entry = Find(key);
        expiresAt = entry?.ExpiresAt;
        return entry is { IsStub: false };
    }

    private static bool IsImmediate(TimeSpan? expiration) => expiration is { } e && e <= TimeSpan.Zero;

    private MemoryStoreEntry? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_cache.TryGetValue(key, out MemoryStoreEntry? entry) && entry is not null)
        {
            return entry.IsExpired(_time.GetUtcNow()) ? null : entry;
        }

        return null;
    }

    private MemoryStoreEntry NewEntry(CacheItem item, TimeSpan? expiration)
        => new(item.Value.ToArray(), item.Flags, NextCas(), ExpiresAt(expiration), IsStub: false, Stale: false, WinTokenSent: false);

    private DateTimeOffset? ExpiresAt(TimeSpan? expiration) => expiration is { } e ? _time.GetUtcNow() + e : null;

    /// <summary>The size limit in bytes; null = none.</summary>
    internal long? SizeLimit => _sizeLimit;

    /// <summary>The bytes held, as counted against the size limit; 0 without a limit.</summary>
    internal long Size => _sizeLimit is null ? 0 : _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    /// <summary>The number of entries held (tag counters and lease stubs included).</summary>
    internal int Count => _cache.Count;

    /// <summary>Stores the entry; false when it cannot fit (larger than the whole limit), and then the key holds nothing.</summary>
    private bool Put(string key, MemoryStoreEntry entry, CacheItemPriority priority = CacheItemPriority.Normal)
    {
        var size = entry.Value.Length + (key.Length * 2L) + EntryOverhead;
        if (size > _sizeLimit)
        {
            _cache.Remove(key);
            return false;
        }

        for (var attempt = 0; ; attempt++)
        {
            using (var cacheEntry = _cache.CreateEntry(key))
            {
                cacheEntry.Value = entry;
                cacheEntry.AbsoluteExpiration = entry.ExpiresAt;
                cacheEntry.Size = size;
                cacheEntry.Priority = priority;
            }

            // MemoryCache refuses an entry that would pass the limit (and compacts later, on the thread pool): make room now.
            if (_sizeLimit is null || (_cache.TryGetValue(key, out var stored) && ReferenceEquals(stored, entry)))
            {
                return true;
            }

            if (attempt == MaxCompactions)
            {
                return false;
            }

            // At least one entry per round, however few there are, and a large value's share of the limit at once.
            _cache.Compact(Math.Max(Math.Max(CompactionShare, (double)size / _sizeLimit.Value), 1.0 / Math.Max(1, _cache.Count)));
        }
    }

    private ulong NextCas() => (ulong)Interlocked.Increment(ref _nextCas);

    private object LockFor(string key) => _locks[(uint)StringComparer.Ordinal.GetHashCode(key) % LockStripes];
}
