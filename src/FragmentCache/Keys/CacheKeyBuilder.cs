using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>Builds full keys: <c>{prefix}:{version}:{key}</c> or the configured key function.</summary>
internal sealed class CacheKeyBuilder(IOptions<FragmentCacheOptions> options)
{
    /// <summary>How many full keys of the default version are remembered before the memory starts over.</summary>
    internal const int MaxRememberedFullKeys = 4096;

    private readonly FragmentCacheOptions _options = options.Value;
    private string? _defaultVersionStart;

    // Full keys of the default version by canonical form: a hit on a known key neither hashes it (SHA-256) nor builds
    // the string again. Bounded: past MaxRememberedFullKeys the memory is cleared and fills again with what is read.
    private readonly ConcurrentDictionary<string, string> _fullKeys = new(StringComparer.Ordinal);
    private int _fullKeyCount;

    public int DefaultVersion => _options.Version;

    /// <summary>The full key of a fragment: the same as <see cref="Build"/> of its store key, built in one string.</summary>
    public string BuildFragment(FragmentKey key, int version)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_options.KeyFunction is not null)
        {
            return Build(key.StoreKey, version);
        }

        if (version != _options.Version)
        {
            return key.WithPrefix(KeyStart(version));
        }

        if (_fullKeys.TryGetValue(key.Canonical, out var known))
        {
            return known;
        }

        var built = key.WithPrefix(_defaultVersionStart ??= KeyStart(version));
        if (Interlocked.Increment(ref _fullKeyCount) > MaxRememberedFullKeys)
        {
            _fullKeys.Clear();
            Volatile.Write(ref _fullKeyCount, 1);
        }

        _fullKeys.TryAdd(key.Canonical, built);
        return built;
    }

    private string KeyStart(int version) => string.Create(CultureInfo.InvariantCulture, $"{_options.KeyPrefix ?? ""}:{version}:");

    public string Build(string key, int version)
    {
        ArgumentNullException.ThrowIfNull(key);
        var prefix = _options.KeyPrefix ?? "";
        return _options.KeyFunction is { } function
            ? function(key, prefix, version)
            : string.Create(CultureInfo.InvariantCulture, $"{prefix}:{version}:{key}");
    }

    /// <summary>
    /// <see cref="Build"/> for a caller's key (<see cref="ICache"/>): in <see cref="CacheCompatibility.Django"/> mode the full
    /// key is checked as Django's <c>make_and_validate_key</c> does, and an illegal one throws. Keys the cache makes itself
    /// (fragments, tags) are legal by construction and never throw in a page.
    /// </summary>
    public string BuildCallerKey(string key, int version)
    {
        var full = Build(key, version);
        if (_options.Compatibility == CacheCompatibility.Django)
        {
            DjangoKeyRules.ThrowIfIllegal(full);
        }

        return full;
    }
}
