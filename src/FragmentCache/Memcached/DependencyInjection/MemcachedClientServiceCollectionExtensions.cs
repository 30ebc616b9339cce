using FragmentCache.Memcached;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FragmentCache's Memcached client on its own, for code that talks to Memcached directly.</summary>
public static class MemcachedClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a shared <see cref="MemcachedClient"/> (also as <see cref="IMemcachedClient"/>) configured from
    /// <paramref name="configuration"/> (for example <c>Configuration.GetSection("Memcached")</c>). The options are
    /// validated at startup: a malformed server address stops the application with a message naming it.
    /// </summary>
    public static IServiceCollection AddMemcachedClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MemcachedClientOptions>().Bind(configuration);
        return services.AddMemcachedClientCore();
    }

    /// <summary>Registers a shared <see cref="MemcachedClient"/> configured in code. See the other overload.</summary>
    public static IServiceCollection AddMemcachedClient(this IServiceCollection services, Action<MemcachedClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MemcachedClientOptions>().Configure(configure);
        return services.AddMemcachedClientCore();
    }

    /// <summary>
    /// Makes Memcached the application's <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>
    /// (and <see cref="Microsoft.Extensions.Caching.Distributed.IBufferDistributedCache"/>), for Session, HybridCache's
    /// second level and the built-in <c>&lt;distributed-cache&gt;</c> tag helper. Registers the client as
    /// <see cref="AddMemcachedClient(IServiceCollection, IConfiguration)"/> does.
    /// </summary>
    public static IServiceCollection AddMemcachedDistributedCache(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMemcachedClient(configuration).AddMemcachedDistributedCacheCore();

    /// <summary>Makes Memcached the application's <c>IDistributedCache</c>, configured in code. See the other overload.</summary>
    public static IServiceCollection AddMemcachedDistributedCache(this IServiceCollection services, Action<MemcachedClientOptions> configure) =>
        services.AddMemcachedClient(configure).AddMemcachedDistributedCacheCore();

    /// <summary>
    /// Adds a health check that asks every Memcached server for its version: healthy when all answer, degraded
    /// when some do, unhealthy when none does. Each server's state is in the result's data.
    /// </summary>
    public static IHealthChecksBuilder AddMemcached(this IHealthChecksBuilder builder, string name = "memcached",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new MemcachedHealthCheck(sp.GetRequiredService<IMemcachedClient>()),
            failureStatus,
            tags));
    }

    /// <summary>
    /// Adds a health check of FragmentCache's store (registered by <c>AddFragmentCache</c>): with Memcached, each
    /// server is reported (healthy, degraded when some are down, unhealthy when all are); otherwise one probe read.
    /// Named stores (<c>FragmentCache:Stores</c>) are reported in the same entry, their servers prefixed with the store's name.
    /// </summary>
    public static IHealthChecksBuilder AddFragmentCache(this IHealthChecksBuilder builder, string name = "fragmentcache",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new FragmentCache.FragmentCacheHealthCheck(sp.GetRequiredService<FragmentCache.ICacheStore>(), sp.GetService<FragmentCache.FragmentCacheStores>()),
            failureStatus,
            tags));
    }

    private static IServiceCollection AddMemcachedDistributedCacheCore(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new FragmentCache.MemcachedDistributedCache(sp.GetRequiredService<MemcachedClient>(), sp.GetService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<Microsoft.Extensions.Caching.Distributed.IDistributedCache>(
            sp => sp.GetRequiredService<FragmentCache.MemcachedDistributedCache>()));
        services.Replace(ServiceDescriptor.Singleton<Microsoft.Extensions.Caching.Distributed.IBufferDistributedCache>(
            sp => sp.GetRequiredService<FragmentCache.MemcachedDistributedCache>()));
        return services;
    }

    private static IServiceCollection AddMemcachedClientCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MemcachedClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemcachedClientOptions>, MemcachedClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MemcachedClient(
            sp.GetRequiredService<IOptions<MemcachedClientOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IMemcachedClient>(sp => sp.GetRequiredService<MemcachedClient>());
        return services;
    }
}
