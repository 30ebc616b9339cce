using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Internal;

/// <summary>The fragment cache of the store a fragment names (<c>store="..."</c>, or its profile's).</summary>
internal static class FragmentStores
{
    /// <summary>
    /// <paramref name="main"/> for no store; else the named store's cache. An unknown name throws, the message starting
    /// with the fragment as written (<paramref name="component"/> says which front end) and naming the store and the
    /// configured ones. The message is built only then: a hit allocates nothing here.
    /// </summary>
    public static IFragmentCache Select(IFragmentCache main, string? store, IServiceProvider services, bool component, string name)
    {
        if (string.IsNullOrEmpty(store))
        {
            return main;
        }

        var stores = services.GetService<IFragmentCacheStores>()
            ?? throw new InvalidOperationException($"{FragmentExpiry.Owner(component, name)}: a named store needs AddFragmentCache.");
        return stores.Contains(store)
            ? stores.GetFragmentCache(store)
            : throw new InvalidOperationException($"{FragmentExpiry.Owner(component, name)}: " + StoreNames.Unknown(store, stores.Names));
    }
}
