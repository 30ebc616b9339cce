using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// The two-tier mode's in-process copies. A copy is served only while the generations of its tags, as last learned
/// from this process's invalidations and the store's invalidation feed (<see cref="InvalidationFeed"/>), equal the ones
/// it was built with, and while no invalidation named its key. Polling the feed every
/// <see cref="FragmentCacheTwoTierOptions.PollInterval"/> therefore bounds how long another node's invalidation can go
/// unseen: one poll interval plus the poll itself; no copy lives longer than
/// <see cref="FragmentCacheTwoTierOptions.LocalExpiration"/>.
/// </summary>
internal sealed partial class LocalFragmentTier : IDisposable
{
    private readonly FragmentCacheTwoTierOptions _options;
    private readonly TagGenerationStore _tags;
    private readonly InvalidationFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalFragmentTier> _logger;
    private readonly MemoryCache _copies;
    private readonly ConcurrentDictionary<string, ulong> _generations = new(StringComparer.Ordinal);
    private long _epoch;

    public LocalFragmentTier(
        IOptions<FragmentCacheOptions> options,
        TagGenerationStore tags,
        CacheKeyBuilder keys,
        ICacheStore store,
        TimeProvider timeProvider,
        ILogger<LocalFragmentTier> logger)
    {
        _options = options.Value.TwoTier;
        _tags = tags;
        _feed = new InvalidationFeed(store, keys, timeProvider);
        _time = timeProvider;
        _created = timeProvider.GetUtcNow();
        _lastSweep = _created;
        _logger = logger;
        _copies = new MemoryCache(new MemoryCacheOptions { Clock = new TimeProviderClock(timeProvider), SizeLimit = _options.MaxEntries });
        _outageOptions = options.Value.Outage;
        _outage = new MemoryCache(new MemoryCacheOptions { Clock = new TimeProviderClock(timeProvider), SizeLimit = _outageOptions.MaxEntries });
    }

    public bool Enabled => _options.Enabled;

    public TimeSpan PollInterval => _options.PollInterval;

    private ulong Epoch => (ulong)Interlocked.Read(ref _epoch);

    /// <summary>The copy under <paramref name="key"/> if it is still current (and of <paramref name="kind"/>, when given), else null.</summary>
    /// <param name="key">The fragment's canonical key (<see cref="FragmentKey.Canonical"/>): prefix and version are the
    /// same for every copy of this process, so the copies need no hashed store key.</param>
    /// <param name="kind">The content kind the caller accepts; null for any.</param>
    public LocalFragmentCopy? TryGetCurrent(string key, FragmentContentKind? kind)
    {
        if (!_copies.TryGetValue(key, out LocalFragmentCopy? copy) || copy is null || (kind is { } expected && copy.Kind != expected))
        {
            return null;
        }

        if (copy.Epoch != Epoch || !TagsCurrent(copy.Tags))
        {
            _copies.Remove(key);
            return null;
        }

        return copy;
    }

    public void Set(string key, FragmentContentKind kind, ReadOnlyMemory<byte> content, IReadOnlyList<TagGeneration> tags, TimeSpan? expiration)
    {
        foreach (var tag in tags)
        {
            _generations.AddOrUpdate(tag.Tag, tag.Generation, (_, old) => Math.Max(old, tag.Generation));
        }

        var lifetime = expiration is { } e && e < _options.LocalExpiration ? e : _options.LocalExpiration;
        using var entry = _copies.CreateEntry(key);
        entry.Value = new LocalFragmentCopy(kind, content, tags, Epoch);
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = lifetime;
    }

    public void Remove(string key)
    {
        _copies.Remove(key);
        RemoveOutageCopy(key);
    }

    public void Dispose()
    {
        _polling.Dispose();
        _copies.Dispose();
        _outage.Dispose();
    }

    private bool TagsCurrent(IReadOnlyList<TagGeneration> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (!_generations.TryGetValue(tags[i].Tag, out var generation) || generation != tags[i].Generation)
            {
                return false;
            }
        }

        return true;
    }
}
