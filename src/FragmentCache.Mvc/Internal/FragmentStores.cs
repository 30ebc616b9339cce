using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Internal;

/// <summary>The fragment cache of the store a fragment names (<c>store="..."</c>, or its profile's).</summary>
internal static class FragmentStores
{
    /// <summary>
    /// <paramref name="main"/> for no store; else the named store's cache. An unknown name throws, the message starting
    /// with <paramref name="owner"/> (the fragment as written) and naming the store and the configured ones.
    /// </summary>
    public static IFragmentCache Select(IFragmentCache main, string? store, IServiceProvider services, string owner)
    {
        if (string.IsNullOrEmpty(store))
        {
            return main;
        }

        var stores = services.GetService<IFragmentCacheStores>()
            ?? throw new InvalidOperationException($"{owner}: a named store needs AddFragmentCache.");
        return stores.Contains(store)
            ? stores.GetFragmentCache(store)
            : throw new InvalidOperationException($"{owner}: " + FragmentCacheStores.Unknown(store, stores.Names));
    }
}
