using System.Collections.Concurrent;
using FragmentCache.Mvc.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// One <see cref="PageCacheHandler"/> per store a page names (<see cref="CachePageAttribute.Store"/>,
/// <see cref="CacheProfile.Store"/>): the same handler over that store's <see cref="IFragmentCache"/> and <see cref="ICache"/>,
/// so its entries, tags and learned <c>Vary</c> lists live in that store only.
/// </summary>
internal sealed class PageCacheHandlers(IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, PageCacheHandler> _named = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The handler of <paramref name="store"/>: <paramref name="main"/> (else the container's) for none or <c>"default"</c>.</summary>
    public static PageCacheHandler For(IServiceProvider services, PageCacheHandler? main, string? store)
    {
        if (string.IsNullOrEmpty(store) || string.Equals(store, StoreNames.Default, StringComparison.OrdinalIgnoreCase))
        {
            return main ?? services.GetRequiredService<PageCacheHandler>();
        }

        return services.GetRequiredService<PageCacheHandlers>().Named(store);
    }

    /// <summary>The handler of the named <paramref name="store"/>; an unknown one throws, naming it.</summary>
    private PageCacheHandler Named(string store)
    {
        if (_named.TryGetValue(store, out var known))
        {
            return known;
        }

        var stores = services.GetRequiredService<IFragmentCacheStores>();
        if (!stores.Contains(store))
        {
            throw new InvalidOperationException($"[CachePage(Store = \"{store}\")]: " + StoreNames.Unknown(store, stores.Names));
        }

        return _named.GetOrAdd(store, name => ActivatorUtilities.CreateInstance<PageCacheHandler>(
            services, stores.GetFragmentCache(name), stores.GetCache(name)));
    }
}
