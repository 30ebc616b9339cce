using System.Text;
using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>Values to and from <see cref="CacheItem"/>: strings and byte arrays raw, the rest serialized.</summary>
internal sealed class CacheValueCodec(ICacheSerializer serializer, ILogger<CacheValueCodec> logger, FragmentCacheMetrics metrics)
{
    public CacheItem Encode<T>(T value) => value switch
    {
        string s => new CacheItem(Encoding.UTF8.GetBytes(s), CacheItemFlags.Value | CacheItemFlags.Utf8String),
        byte[] b => new CacheItem(b, CacheItemFlags.Value | CacheItemFlags.RawBytes),
        _ => new CacheItem(serializer.Serialize(value), CacheItemFlags.Value | CacheItemFlags.Serialized),
    };

    public bool TryDecode<T>(CacheItem item, out T? value)
    {
        try
        {
            value = Decode<T>(item);
            return true;
        }
#pragma warning disable CA1031 // Any failure to read a value is a miss, never an exception in a page.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            metrics.Error(MetricLayers.LowLevel, "deserialize");
            logger.DeserializationFailed(ex, typeof(T).Name);
            value = default;
            return false;
        }
    }

    private T? Decode<T>(CacheItem item)
    {
        var format = CacheItemFlags.GetFormat(item.Flags);
        var span = item.Value.Span;
        if (format == CacheItemFlags.Utf8String || format == CacheItemFlags.RawBytes)
        {
            if (typeof(T) == typeof(string) || (typeof(T) == typeof(object) && format == CacheItemFlags.Utf8String))
            {
                return (T)(object)Encoding.UTF8.GetString(span);
            }

            if (typeof(T) == typeof(byte[]) || typeof(T) == typeof(object))
            {
                return (T)(object)span.ToArray();
            }
        }

        // Serialized objects, and raw numbers (a counter written by an increment) read as numbers.
        return serializer.Deserialize<T>(span);
    }
}
