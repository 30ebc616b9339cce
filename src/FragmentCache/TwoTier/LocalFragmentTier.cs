using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// The two-tier mode's in-process copies. A copy is served only while the generations of its tags,
/// as last polled from the store, equal the ones it was built with, and while the explicit-invalidation
/// counter (bumped by every <see cref="IFragmentCache.InvalidateAsync"/>) is unchanged. Polling every
/// <see cref="FragmentCacheTwoTierOptions.PollInterval"/> therefore bounds how long another node's
/// invalidation can go unseen: one poll interval plus one store round trip; no copy lives longer than
/// <see cref="FragmentCacheTwoTierOptions.LocalExpiration"/>.
/// </summary>
internal sealed partial class LocalFragmentTier : IDisposable
{
    private const string ExplicitCounterName = "fragment-invalidations";

    private readonly FragmentCacheTwoTierOptions _options;
    private readonly TagGenerationStore _tags;
    private readonly CacheKeyBuilder _keys;
    private readonly ICacheStore _store;
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
        _keys = keys;
        _store = store;
        _time = timeProvider;
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

    public void TagInvalidated(string tag, ulong generation) => _generations[tag] = generation;

    /// <summary>Called by <see cref="IFragmentCache.InvalidateAsync"/>: tells every node's copies that some fragment changed.</summary>
    public async ValueTask BumpExplicitCounterAsync(CancellationToken cancellationToken)
    {
        var value = await _store.IncrementAsync(ExplicitCounterKey(), 1, Seed(), null, cancellationToken).ConfigureAwait(false);
        if (value is { } v)
        {
            Interlocked.Exchange(ref _epoch, unchecked((long)v));
        }
    }

    /// <summary>Reads every known tag counter and the explicit counter with one get-many.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var tags = _generations.Keys.ToArray();
        var keys = new string[tags.Length + 1];
        for (var i = 0; i < tags.Length; i++)
        {
            keys[i] = _tags.CounterKey(tags[i]);
        }

        keys[^1] = ExplicitCounterKey();
        try
        {
            var found = await _store.GetManyAsync(keys, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < tags.Length; i++)
            {
                if (found.TryGetValue(keys[i], out var item) && DecimalValue.TryParse(item.Value.Span, out var generation))
                {
                    _generations[tags[i]] = generation;
                }
                else
                {
                    _generations.TryRemove(tags[i], out _);
                }
            }

            var epoch = found.TryGetValue(keys[^1], out var counter) && DecimalValue.TryParse(counter.Value.Span, out var e) ? e : 0;
            Interlocked.Exchange(ref _epoch, unchecked((long)epoch));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Cannot tell what changed: drop every copy rather than serve one past the bound.
            _logger.TwoTierPollFailed(ex);
            _copies.Clear();
        }
    }

    public void Dispose()
    {
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

    private string ExplicitCounterKey() => _keys.Build(ExplicitCounterName, _keys.DefaultVersion);

    private ulong Seed() => (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
}
