using System.Globalization;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>Builds full keys: <c>{prefix}:{version}:{key}</c> or the configured key function.</summary>
internal sealed class CacheKeyBuilder(IOptions<FragmentCacheOptions> options)
{
    private readonly FragmentCacheOptions _options = options.Value;
    private string? _defaultVersionStart;

    public int DefaultVersion => _options.Version;

    /// <summary>The full key of a fragment: the same as <see cref="Build"/> of its store key, built in one string.</summary>
    public string BuildFragment(FragmentKey key, int version)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _options.KeyFunction is null
            ? key.WithPrefix(version == _options.Version ? _defaultVersionStart ??= KeyStart(version) : KeyStart(version))
            : Build(key.StoreKey, version);
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
}
