using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FragmentCache;

/// <summary>
/// Tag generation counters kept in the store itself (Memcached has no tags). Invalidating a tag
/// increments its counter; an entry is valid only while every counter it was built with is unchanged.
/// </summary>
/// <remarks>
/// <para>Safety never depends on a counter's lifetime: a counter may be evicted at any moment. A missing counter
/// invalidates every entry built with it, and a counter created again starts from a new seed: the Unix time in
/// milliseconds shifted left by 20 bits plus 19 random bits. An old entry holds a generation between its counter's
/// seed and that seed plus the invalidations made since, so it matches a new seed only if more than a million
/// invalidations per millisecond of the counter's life were made, or, within one millisecond (or across clocks that
/// disagree by exactly the counter's age), with a chance of about one in half a million per invalidation.</para>
/// <para>Lifetime: on a store that can lengthen a key without shortening it (<see cref="ICacheLifetimeStore"/>:
/// memory, Memcached), a counter lives as long as the longest-lived entry written against it plus
/// <see cref="LifetimeMargin"/>, and a counter that no entry needs goes away with its last entry, so tags made from
/// URL input do not pile up. Other stores keep counters without expiration.</para>
/// </remarks>
internal sealed class TagGenerationStore(ICacheStore store, CacheKeyBuilder keys, TimeProvider timeProvider)
{
    /// <summary>
    /// How much longer than its entries a counter lives: counters are extended when they are read for a render, and the
    /// entry is stored when the render ends, so half of this covers renders up to that long (a longer render's entry may
    /// lose its counter first and then simply misses) and memcached's whole-second lifetimes; the other half lets one
    /// extension serve the renders that follow it. Also the lifetime of a counter
    /// created by an invalidation, which no entry needs yet.
    /// </summary>
    internal static readonly TimeSpan LifetimeMargin = TimeSpan.FromMinutes(5);

    // A tag's counter key costs a SHA-256; tags repeat on every request (a page's path tag, a sidebar's "posts").
    private const int MaxRememberedCounterKeys = 4096;
    private readonly ConcurrentDictionary<string, (int Version, string Key)> _counterKeys = new(StringComparer.Ordinal);

    // Per counter, the generation and the time until which this process has made it live (null = forever), so a render
    // extends a counter only when its entry would outlive what was already arranged.
    private readonly ConcurrentDictionary<string, (ulong Generation, DateTimeOffset? Until)> _extended = new(StringComparer.Ordinal);
    private readonly ICacheLifetimeStore? _lifetimes = store as ICacheLifetimeStore;

    // Per tag, the last answer of a one-tag read that found its counter (shared while the generation holds; never changed).
    private readonly ConcurrentDictionary<string, Dictionary<string, ulong>> _oneReads = new(StringComparer.Ordinal);

    public string CounterKey(string tag)
    {
        var version = keys.DefaultVersion;
        if (_counterKeys.TryGetValue(tag, out var known) && known.Version == version)
        {
            return known.Key;
        }

        var hash = FragmentKey.Hash("tag\n" + tag);
        var readable = FragmentKey.IsReadable(tag) ? "fragment-tag:" + tag + ":" + hash : "fragment-tag:" + hash;
        var key = keys.Build(readable, version);
        if (_counterKeys.Count >= MaxRememberedCounterKeys)
        {
            _counterKeys.Clear();
        }

        _counterKeys[tag] = (version, key);
        return key;
    }

    /// <summary>
    /// Reads the current generations with one get (one tag, as on every page) or one get-many; tags whose counter is
    /// missing are absent from the answer. The answer may be shared with other callers: read it, never change it.
    /// Awaited once by each caller: its state machine comes from a pool.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Dictionary<string, ulong>> ReadAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 1)
        {
            if (await store.GetAsync(CounterKey(tags[0]), cancellationToken).ConfigureAwait(false) is { } item
                && DecimalValue.TryParse(item.Value.Span, out var current))
            {
                return OneRead(tags[0], current);
            }

            return new Dictionary<string, ulong>(1, StringComparer.Ordinal);
        }

        var counterKeys = new string[tags.Count];
        for (var i = 0; i < tags.Count; i++)
        {
            counterKeys[i] = CounterKey(tags[i]);
        }

        var found = await store.GetManyAsync(counterKeys, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, ulong>(tags.Count, StringComparer.Ordinal);
        for (var i = 0; i < tags.Count; i++)
        {
            if (found.TryGetValue(counterKeys[i], out var item) && DecimalValue.TryParse(item.Value.Span, out var generation))
            {
                result[tags[i]] = generation;
            }
        }

        return result;
    }

    /// <summary>
    /// The answer of a one-tag read that found <paramref name="generation"/>: the same dictionary as the last such answer
    /// while the counter stays at that generation (a page's path tag is read on every hit), else a new one, remembered.
    /// </summary>
    private Dictionary<string, ulong> OneRead(string tag, ulong generation)
    {
        if (_oneReads.TryGetValue(tag, out var known) && known.TryGetValue(tag, out var knownGeneration) && knownGeneration == generation)
        {
            return known;
        }

        var one = new Dictionary<string, ulong>(1, StringComparer.Ordinal) { [tag] = generation };
        if (_oneReads.Count >= MaxRememberedCounterKeys)
        {
            _oneReads.Clear();
        }

        _oneReads[tag] = one;
        return one;
    }

    /// <summary>
    /// Whether every generation an entry was built with is still current. <paramref name="read"/>, when given, holds
    /// generations read moments ago (together with the entry): they can confirm the entry; a tag they lack, or one that
    /// looks out of date (it may have moved between the two reads), is read again.
    /// </summary>
    public async ValueTask<bool> AreCurrentAsync(IReadOnlyList<TagGeneration> built, Dictionary<string, ulong>? read, CancellationToken cancellationToken)
    {
        if (built.Count == 0 || (read is not null && Match(built, read)))
        {
            return true;
        }

        var names = new string[built.Count];
        for (var i = 0; i < built.Count; i++)
        {
            names[i] = built[i].Tag;
        }

        return Match(built, await ReadAsync(names, cancellationToken).ConfigureAwait(false));
    }

    private static bool Match(IReadOnlyList<TagGeneration> built, Dictionary<string, ulong> current)
    {
        for (var i = 0; i < built.Count; i++)
        {
            if (!current.TryGetValue(built[i].Tag, out var generation) || generation != built[i].Generation)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The current generations of the given tags, creating missing counters, for an entry that never expires.
    /// <paramref name="read"/>, when given, holds generations read just before: a tag found there is not read again.
    /// </summary>
    public ValueTask<TagGeneration[]> GetOrCreateAsync(IReadOnlyList<string> tags, Dictionary<string, ulong>? read, CancellationToken cancellationToken)
        => GetOrCreateAsync(tags, read, null, cancellationToken);

    /// <summary>
    /// The current generations of the given tags, creating missing counters, for an entry stored for
    /// <paramref name="entryLifetime"/> (<see langword="null"/> = never expires): each counter is made to live at least
    /// that long plus <see cref="LifetimeMargin"/>. <paramref name="read"/>, when given, holds generations read just
    /// before: a tag found there is not read again.
    /// </summary>
    public async ValueTask<TagGeneration[]> GetOrCreateAsync(IReadOnlyList<string> tags, Dictionary<string, ulong>? read, TimeSpan? entryLifetime, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            return [];
        }

        var distinct = Distinct(tags) ?? throw new ArgumentException("A tag must not be null or empty.", nameof(tags));
        var current = read is not null && distinct.All(read.ContainsKey)
            ? read
            : await ReadAsync(distinct, cancellationToken).ConfigureAwait(false);
        var result = new TagGeneration[distinct.Count];
        for (var i = 0; i < distinct.Count; i++)
        {
            var tag = distinct[i];
            var counterLifetime = CounterLifetime(entryLifetime);
            var created = false;
            if (!current.TryGetValue(tag, out var generation))
            {
                // Delta 0 with an initial value: creates the counter, or reads it if another node just did.
                var seed = Seed();
                generation = await store.IncrementAsync(CounterKey(tag), 0, seed, counterLifetime, cancellationToken).ConfigureAwait(false) ?? seed;
                created = generation == seed;
            }

            await KeepAliveAsync(CounterKey(tag), generation, counterLifetime, created, cancellationToken).ConfigureAwait(false);
            result[i] = new TagGeneration(tag, generation);
        }

        return result;
    }

    /// <summary>The counter's lifetime for an entry of <paramref name="entryLifetime"/>; null (never) where the store cannot extend keys.</summary>
    private TimeSpan? CounterLifetime(TimeSpan? entryLifetime)
        => _lifetimes is null || entryLifetime is not { } lifetime ? null : (lifetime > TimeSpan.Zero ? lifetime : TimeSpan.Zero) + LifetimeMargin;

    /// <summary>
    /// Makes the counter live <paramref name="lifetime"/> from now, unless this process already made it live long enough:
    /// at least <c>lifetime - LifetimeMargin / 2</c> from now (the other half of the margin is for the render). So a
    /// counter read by many renders is extended about once per half margin, not once per render.
    /// </summary>
    private async ValueTask KeepAliveAsync(string counterKey, ulong generation, TimeSpan? lifetime, bool created, CancellationToken cancellationToken)
    {
        if (_lifetimes is null)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        DateTimeOffset? until = lifetime is { } l ? now + l : null;
        if (!created && _extended.TryGetValue(counterKey, out var known) && known.Generation == generation
            && (known.Until is not { } knownUntil || (until is { } target && knownUntil >= target - (LifetimeMargin / 2))))
        {
            return;
        }

        // A counter that is gone (evicted just now) is simply not extended: the entry built with it will not be valid.
        if (created || await TryExtendAsync(counterKey, lifetime, cancellationToken).ConfigureAwait(false))
        {
            if (_extended.Count >= MaxRememberedCounterKeys)
            {
                _extended.Clear();
            }

            _extended[counterKey] = (generation, until);
        }
    }

    /// <summary>
    /// Extends a counter's lifetime, best effort: safety never rests on a counter's lifetime, so a store failure here
    /// (a server just restarted, a dropped connection) leaves the counter as it is and the render goes on to store its
    /// entry, instead of turning a lifetime chore into a render that is not stored. The next render tries again.
    /// </summary>
    private async ValueTask<bool> TryExtendAsync(string counterKey, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        try
        {
            return await _lifetimes!.ExtendAsync(counterKey, lifetime, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The tags once each, in their order; null when one of them is null or empty (a caller's mistake).</summary>
    public static IReadOnlyList<string>? Distinct(IReadOnlyList<string> tags)
    {
        var seen = tags.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        var distinct = seen is null ? null : new List<string>(tags.Count);
        foreach (var tag in tags)
        {
            if (string.IsNullOrEmpty(tag))
            {
                return null;
            }

            if (seen is not null && seen.Add(tag))
            {
                distinct!.Add(tag);
            }
        }

        return distinct ?? tags;
    }

    /// <summary>Moves a tag to a new generation, which invalidates every entry built with an older one.</summary>
    public async ValueTask<ulong> InvalidateAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        // A counter missing here has no valid entry to protect: it lives the margin, and renders extend it.
        var seed = Seed();
        var lifetime = _lifetimes is null ? (TimeSpan?)null : LifetimeMargin;
        return await store.IncrementAsync(CounterKey(tag), 1, seed, lifetime, cancellationToken).ConfigureAwait(false) ?? seed;
    }

    private ulong Seed()
        => ((ulong)Math.Max(0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds()) << 20) + (ulong)Random.Shared.Next(1 << 19);
}
