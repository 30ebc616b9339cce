using FragmentCache;
using FragmentCache.Memcached;

namespace OpenTelemetry.Metrics;

/// <summary>Adds FragmentCache's meters to an OpenTelemetry meter provider.</summary>
public static class FragmentCacheMeterProviderBuilderExtensions
{
    /// <summary>
    /// Collects FragmentCache's metrics: the meters <see cref="FragmentCacheTelemetry.MeterName"/> (hits, misses, renders,
    /// errors, per-fragment lookups and durations) and <see cref="MemcachedTelemetry.MeterName"/> (operations, durations,
    /// errors and connections per server, with OpenTelemetry's database attributes).
    /// </summary>
    /// <param name="builder">The meter builder, as in <c>services.AddOpenTelemetry().WithMetrics(m => m.AddFragmentCacheInstrumentation())</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static MeterProviderBuilder AddFragmentCacheInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(FragmentCacheTelemetry.MeterName, MemcachedTelemetry.MeterName);
    }
}
