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
    /// Registers the process's one <see cref="MemcachedClient"/> (also as <see cref="IMemcachedClient"/>) configured from
    /// <paramref name="configuration"/> (for example <c>Configuration.GetSection("Memcached")</c>). Every call adds to the
    /// same options, so <c>AddMemcachedDistributedCache</c> and <c>UseMemcached</c> share this client: one socket set and
    /// one view of each server's health; a server listed twice is one server. The options are validated at startup: a
    /// malformed server address stops the application with a message naming it, and so does an empty server list.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The client's section (<see cref="MemcachedClientOptions"/>'s shape).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMemcachedClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // A name that is no setting (a misspelled "ConectTimeout") fails when the options are built, at startup, with the
        // binder's message naming it, instead of leaving the default in place.
        services.AddOptions<MemcachedClientOptions>().Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return services.AddMemcachedClientCore(requireServers: true);
    }

    /// <summary>Registers the process's one <see cref="MemcachedClient"/>, configured in code. See the other overload.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMemcachedClient(this IServiceCollection services, Action<MemcachedClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MemcachedClientOptions>().Configure(configure);
        return services.AddMemcachedClientCore(requireServers: true);
    }

    /// <summary>
    /// Makes Memcached the application's <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>
    /// (and <see cref="Microsoft.Extensions.Caching.Distributed.IBufferDistributedCache"/>), for Session, HybridCache's
    /// second level and the built-in <c>&lt;distributed-cache&gt;</c> tag helper. Registers the client as
    /// <see cref="AddMemcachedClient(IServiceCollection, IConfiguration)"/> does, so it shares the client of
    /// <c>UseMemcached</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The client's section (<see cref="MemcachedClientOptions"/>'s shape).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMemcachedDistributedCache(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMemcachedClient(configuration).AddMemcachedDistributedCacheCore();

    /// <summary>Makes Memcached the application's <c>IDistributedCache</c>, configured in code. See the other overload.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the client's options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddMemcachedDistributedCache(this IServiceCollection services, Action<MemcachedClientOptions> configure) =>
        services.AddMemcachedClient(configure).AddMemcachedDistributedCacheCore();

    /// <summary>
    /// Adds a health check that asks every Memcached server for its version: healthy when all answer, degraded
    /// when some do, unhealthy when none does. Each server's state is in the result's data.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. The default is <c>"memcached"</c>.</param>
    /// <param name="failureStatus">The status reported when no server answers. The default (<see langword="null"/>) is unhealthy.</param>
    /// <param name="tags">Tags of the check. The default is none.</param>
    /// <returns>The builder.</returns>
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

    private static IServiceCollection AddMemcachedDistributedCacheCore(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new MemcachedDistributedCache(sp.GetRequiredService<MemcachedClient>(), sp.GetService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<Microsoft.Extensions.Caching.Distributed.IDistributedCache>(
            sp => sp.GetRequiredService<MemcachedDistributedCache>()));
        services.Replace(ServiceDescriptor.Singleton<Microsoft.Extensions.Caching.Distributed.IBufferDistributedCache>(
            sp => sp.GetRequiredService<MemcachedDistributedCache>()));
        return services;
    }

    /// <summary>
    /// Registers the shared client once. <paramref name="requireServers"/>: whether an empty server list fails at startup
    /// (it does once any caller needs the client itself; <c>UseMemcached</c> alone falls back to the in-memory store).
    /// </summary>
    internal static IServiceCollection AddMemcachedClientCore(this IServiceCollection services, bool requireServers)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (requireServers)
        {
            services.TryAddSingleton<MemcachedClientOptionsValidator.ServersRequired>();
        }

        services.AddOptions<MemcachedClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MemcachedClientOptions>, MemcachedClientOptionsDeduplication>());
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
