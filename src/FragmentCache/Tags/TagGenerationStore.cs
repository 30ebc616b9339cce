using System.Collections.Concurrent;

namespace FragmentCache;

/// <summary>
/// Tag generation counters kept in the store itself (Memcached has no tags). Invalidating a tag
/// increments its counter; an entry is valid only while every counter it was built with is unchanged.
/// A missing counter is created at the current Unix time in microseconds (milliseconds x 1000), so a
/// counter that was evicted never comes back to a generation an old entry was built with (unless one
/// tag is invalidated more than 1000 times per millisecond).
/// </summary>
internal sealed class TagGenerationStore(ICacheStore store, CacheKeyBuilder keys, TimeProvider timeProvider)
{
    // A tag's counter key costs a SHA-256; tags repeat on every request (a page's path tag, a sidebar's "posts").
    private const int MaxRememberedCounterKeys = 4096;
    private readonly ConcurrentDictionary<string, (int Version, string Key)> _counterKeys = new(StringComparer.Ordinal);

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
    /// missing are absent from the answer.
    /// </summary>
    public async ValueTask<Dictionary<string, ulong>> ReadAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 1)
        {
            var one = new Dictionary<string, ulong>(1, StringComparer.Ordinal);
            if (await store.GetAsync(CounterKey(tags[0]), cancellationToken).ConfigureAwait(false) is { } item
                && DecimalValue.TryParse(item.Value.Span, out var current))
            {
                one[tags[0]] = current;
            }

            return one;
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
    /// The current generations of the given tags, creating missing counters. <paramref name="read"/>, when given,
    /// holds generations read just before: a tag found there is not read again.
    /// </summary>
    public async ValueTask<TagGeneration[]> GetOrCreateAsync(IReadOnlyList<string> tags, Dictionary<string, ulong>? read, CancellationToken cancellationToken)
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
            if (!current.TryGetValue(tag, out var generation))
            {
                // Delta 0 with an initial value: creates the counter, or reads it if another node just did.
                generation = await store.IncrementAsync(CounterKey(tag), 0, Seed(), null, cancellationToken).ConfigureAwait(false) ?? Seed();
            }

            result[i] = new TagGeneration(tag, generation);
        }

        return result;
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
        return await store.IncrementAsync(CounterKey(tag), 1, Seed(), null, cancellationToken).ConfigureAwait(false) ?? Seed();
    }

    private ulong Seed() => (ulong)timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
}
