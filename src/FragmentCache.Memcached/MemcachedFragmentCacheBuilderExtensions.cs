using FragmentCache;
using FragmentCache.Memcached;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes Memcached FragmentCache's store: <c>services.AddFragmentCache(configuration).UseMemcached()</c>.</summary>
public static class MemcachedFragmentCacheBuilderExtensions
{
    /// <summary>
    /// Stores FragmentCache's entries in Memcached when its section lists servers: the servers come from
    /// <c>Servers</c> and the client's settings from <c>Memcached</c> (<c>FragmentCache:Servers</c> and
    /// <c>FragmentCache:Memcached</c> by default), and each named store with <c>Servers</c> of its own
    /// (<c>FragmentCache:Stores:{name}:Servers</c>) gets a client of its own. Without servers the store stays the
    /// in-memory one. The main store uses the process's one <see cref="IMemcachedClient"/> (registered here as
    /// <c>AddMemcachedClient</c> does), so fragments, pages, <c>AddMemcachedDistributedCache</c> and the OutputCache
    /// store share one set of sockets and one view of each server's health. Settings are validated at startup, each
    /// message naming the setting. Not called by default.
    /// </summary>
    /// <param name="builder">The builder <c>AddFragmentCache</c> returned.</param>
    /// <returns>The builder.</returns>
    public static FragmentCacheBuilder UseMemcached(this FragmentCacheBuilder builder) => builder.UseMemcached(null);

    /// <summary>
    /// Stores FragmentCache's entries in Memcached, as <see cref="UseMemcached(FragmentCacheBuilder)"/> does, then lets
    /// <paramref name="configure"/> change the shared client's settings (add servers, set a serializer or a TLS
    /// certificate) after the configuration's are bound.
    /// </summary>
    /// <param name="builder">The builder <c>AddFragmentCache</c> returned.</param>
    /// <param name="configure">Changes the shared client's settings; <see langword="null"/> changes nothing.</param>
    /// <returns>The builder.</returns>
    public static FragmentCacheBuilder UseMemcached(this FragmentCacheBuilder builder, Action<MemcachedClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var section = builder.Configuration;
        services.AddMemcachedClientCore(requireServers: false);
        services.AddOptions<MemcachedClientOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            var store = section ?? (sp.GetService(typeof(IConfiguration)) as IConfiguration)?.GetSection(FragmentCacheOptions.SectionName);
            if (store is not null)
            {
                MemcachedCacheStoreFactory.BindStoreSection(store, options);
            }

            configure?.Invoke(options);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICacheStoreFactory, MemcachedCacheStoreFactory>());
        return builder;
    }
}
