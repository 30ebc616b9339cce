using FragmentCache;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health check of FragmentCache's store.</summary>
public static class FragmentCacheHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of FragmentCache's store (registered by <c>AddFragmentCache</c>): a store that reports its own
    /// health (<see cref="ICacheStoreHealth"/>; the Memcached store reports each server: healthy, degraded when some are
    /// down, unhealthy when all are) is asked; any other store gets one probe read. Named stores
    /// (<c>FragmentCache:Stores</c>) are reported in the same entry, their data prefixed with the store's name.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. The default is <c>"fragmentcache"</c>.</param>
    /// <param name="failureStatus">The status reported when the store fails. The default (<see langword="null"/>) is unhealthy.</param>
    /// <param name="tags">Tags of the check. The default is none.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddFragmentCache(this IHealthChecksBuilder builder, string name = "fragmentcache",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new FragmentCacheHealthCheck(sp.GetRequiredService<ICacheStore>(), sp.GetService<FragmentCacheStores>()),
            failureStatus,
            tags));
    }
}
