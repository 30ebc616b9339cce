using FragmentCache;
using FragmentCache.Memcached;

namespace OpenTelemetry.Trace;

/// <summary>Adds FragmentCache's activity sources to an OpenTelemetry tracer.</summary>
public static class FragmentCacheTracerProviderBuilderExtensions
{
    /// <summary>
    /// Collects FragmentCache's spans: <see cref="FragmentCacheTelemetry.ActivitySourceName"/> (a span per fragment and
    /// per page lookup, with its outcome) and <see cref="MemcachedTelemetry.ActivitySourceName"/> (a span per Memcached
    /// operation, with OpenTelemetry's database attributes). Without it (or another listener of those sources) no span is made.
    /// </summary>
    /// <param name="builder">The tracer builder, as in <c>services.AddOpenTelemetry().WithTracing(t => t.AddFragmentCacheInstrumentation())</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TracerProviderBuilder AddFragmentCacheInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(FragmentCacheTelemetry.ActivitySourceName, MemcachedTelemetry.ActivitySourceName);
    }
}
