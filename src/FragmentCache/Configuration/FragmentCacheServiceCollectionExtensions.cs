using FragmentCache;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FragmentCache: <see cref="ICache"/>, <see cref="IFragmentCache"/> and the store.</summary>
public static class FragmentCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds FragmentCache, bound to a configuration section (usually <c>"FragmentCache"</c>) and validated at
    /// startup. The store is the in-memory one unless a backend serves it (<c>.UseMemcached()</c> reads this section's
    /// <c>Servers</c> and <c>Memcached</c>) or one is chosen in code. <c>AddFragmentCacheMvc</c> binds its options from
    /// the <c>Mvc</c> and <c>Pages</c> children of this same section.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>A builder to choose another store.</returns>
    public static FragmentCacheBuilder AddFragmentCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services, configuration);
        services.AddOptions<FragmentCacheOptions>().Bind(configuration);
        services.AddSingleton(new FragmentCacheConfigurationSection(configuration));
        return builder;
    }

    /// <summary>
    /// Adds FragmentCache, configured in code and validated at startup. The store is the in-memory one unless a backend
    /// serves it (<c>.UseMemcached(...)</c>) or one is chosen in code.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to choose another store.</returns>
    public static FragmentCacheBuilder AddFragmentCache(this IServiceCollection services, Action<FragmentCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services, null);
        services.AddOptions<FragmentCacheOptions>().Configure(configure);
        return builder;
    }

    private static FragmentCacheBuilder AddCore(IServiceCollection services, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FragmentCacheOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FragmentCacheOptions>, FragmentCacheOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FragmentCacheOptions>, StoreBackendValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FragmentCacheStartup>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICacheSerializer, JsonCacheSerializer>();
        services.TryAddSingleton(sp => new FragmentCacheMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<StoreErrorReporter>();
        services.TryAddSingleton<CacheStoreSelector>();
        services.TryAddSingleton(sp => sp.GetRequiredService<CacheStoreSelector>().Store);
        services.TryAddSingleton<CacheKeyBuilder>();
        services.TryAddSingleton<CacheValueCodec>();
        // Before the main ICache and IFragmentCache: code that decorates "the last IFragmentCache registered" finds the main one.
        NamedStoreServices.Add(services);
        services.TryAddSingleton<ICache, DefaultCache>();
        FragmentServices.Add(services);
        return new FragmentCacheBuilder(services, configuration);
    }
}
