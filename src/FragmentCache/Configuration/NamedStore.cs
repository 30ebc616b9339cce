using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// One named store: the same types as the main store's stack (selector, key builder, <see cref="DefaultCache"/>, tag
/// generations, two-tier copies, <see cref="DefaultFragmentCache"/>), built by the same constructors over the store's own
/// <see cref="FragmentCacheOptions"/>; whatever else they need (serializer, metrics, clock, loggers) is the container's.
/// </summary>
internal sealed class NamedStore : IDisposable
{
    private readonly CacheStoreSelector _selector;

    private NamedStore(string name, CacheStoreSelector selector, ICacheStore store, DefaultCache cache, DefaultFragmentCache fragments, LocalFragmentTier local)
    {
        Name = name;
        _selector = selector;
        Store = store;
        Cache = cache;
        Fragments = fragments;
        Local = local;
    }

    public string Name { get; }

    public ICacheStore Store { get; }

    public DefaultCache Cache { get; }

    public DefaultFragmentCache Fragments { get; }

    public LocalFragmentTier Local { get; }

    public static NamedStore Create(IServiceProvider services, string name, FragmentCacheOptions settings)
    {
        var options = Options.Create(settings);
        var selector = ActivatorUtilities.CreateInstance<CacheStoreSelector>(services, options, Array.Empty<ExplicitStoreRegistration>());
        selector.Name = name;
        var store = selector.Store;
        var keys = ActivatorUtilities.CreateInstance<CacheKeyBuilder>(services, options);
        var cache = ActivatorUtilities.CreateInstance<DefaultCache>(services, store, keys, options);
        cache.StoreName = name;
        var tags = ActivatorUtilities.CreateInstance<TagGenerationStore>(services, store, keys);
        var local = ActivatorUtilities.CreateInstance<LocalFragmentTier>(services, options, tags, keys, store);
        var fragments = ActivatorUtilities.CreateInstance<DefaultFragmentCache>(services, store, keys, tags, local, options);
        fragments.StoreName = name;
        services.GetService<ILogger<FragmentCacheStores>>()?.NamedStoreReady(name, store.GetType().Name, settings.KeyPrefix ?? "", settings.Version);
        return new NamedStore(name, selector, store, cache, fragments, local);
    }

    public void Dispose()
    {
        Local.Dispose();
        _selector.Dispose();
    }
}
