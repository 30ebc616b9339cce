using System.Globalization;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>Builds full keys: <c>{prefix}:{version}:{key}</c> or the configured key function.</summary>
internal sealed class CacheKeyBuilder(IOptions<FragmentCacheOptions> options)
{
    private readonly FragmentCacheOptions _options = options.Value;

    public int DefaultVersion => _options.Version;

    public string Build(string key, int version)
    {
        ArgumentNullException.ThrowIfNull(key);
        var prefix = _options.KeyPrefix ?? "";
        return _options.KeyFunction is { } function
            ? function(key, prefix, version)
            : string.Create(CultureInfo.InvariantCulture, $"{prefix}:{version}:{key}");
    }
}
