using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>
/// The value format of one store's <see cref="ICache"/>: <see cref="CacheValueCodec"/>'s, or Django's
/// (<see cref="DjangoValueCodec"/>) for a store with <see cref="CacheCompatibility.Django"/>.
/// </summary>
internal sealed class StoreValueCodec(CacheValueCodec codec, CacheCompatibility compatibility, ILogger logger, FragmentCacheMetrics metrics)
{
    /// <summary>The store's name in messages: <c>"default"</c> for the main store.</summary>
    public string StoreName { get; set; } = CacheStoreContext.DefaultName;

    public bool IsDjango => compatibility == CacheCompatibility.Django;

    public CacheItem Encode<T>(T value) => IsDjango ? DjangoValueCodec.Encode(value, StoreName) : codec.Encode(value);

    public bool TryDecode<T>(CacheItem item, out T? value)
    {
        // A value with FragmentCache's own bit was written outside this mode: read it as it was written.
        if (!IsDjango || (item.Flags & CacheItemFlags.Value) != 0)
        {
            return codec.TryDecode(item, out value);
        }

        if (DjangoValueCodec.TryDecode(item, StoreName, logger, out value))
        {
            return true;
        }

        metrics.Error(MetricLayers.LowLevel, "deserialize");
        return false;
    }
}
