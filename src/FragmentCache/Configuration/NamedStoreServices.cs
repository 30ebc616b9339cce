using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>Registrations of named stores: the resolver, and every store's caches as keyed services under its name.</summary>
internal static class NamedStoreServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<FragmentCacheStores>();
        services.TryAddSingleton<IFragmentCacheStores>(sp => sp.GetRequiredService<FragmentCacheStores>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FragmentCacheOptions>, NamedStoresValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NamedStoresStartup>());

        // Any key: names are resolved case-insensitively, and an unknown one fails with the configured names.
        services.TryAddKeyedSingleton<ICache>(KeyedService.AnyKey,
            (sp, key) => sp.GetRequiredService<IFragmentCacheStores>().GetCache(FragmentCacheStores.NameOf(key)));
        services.TryAddKeyedSingleton<IFragmentCache>(KeyedService.AnyKey,
            (sp, key) => sp.GetRequiredService<IFragmentCacheStores>().GetFragmentCache(FragmentCacheStores.NameOf(key)));
    }
}
