using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// Picks the store once: a store chosen in code; else the first <see cref="ICacheStoreFactory"/> (a backend's
/// <c>Use{Backend}()</c>) that the store's settings select; else memory. Says which in one log line (a factory logs its
/// own).
/// </summary>
internal sealed class CacheStoreSelector(
    IServiceProvider services,
    IOptions<FragmentCacheOptions> options,
    IEnumerable<ExplicitStoreRegistration> explicitStores,
    IEnumerable<ICacheStoreFactory> factories,
    TimeProvider timeProvider,
    ILogger<CacheStoreSelector> logger,
    Microsoft.Extensions.Hosting.IHostEnvironment? environment = null) : IDisposable
{
    private readonly Lock _lock = new();
    private ICacheStore? _store;
    private bool _ownsStore;

    /// <summary>
    /// The name of the store this selector picks: <see cref="CacheStoreContext.DefaultName"/> for the main store. A named
    /// store announces itself (<c>NamedStoreReady</c>), and a named store that selects no backend is a deliberate
    /// per-process cache (Django's <c>LocMemCache</c> alias), so the memory store's log line and per-process warning are
    /// written for the main store only.
    /// </summary>
    public string Name { get; set; } = CacheStoreContext.DefaultName;

    private bool Named => !string.Equals(Name, CacheStoreContext.DefaultName, StringComparison.OrdinalIgnoreCase);

    public ICacheStore Store
    {
        get
        {
            if (_store is { } store)
            {
                return store;
            }

            lock (_lock)
            {
                return _store ??= Select();
            }
        }
    }

    public void Dispose()
    {
        if (!_ownsStore)
        {
            return;
        }

        if (_store is IDisposable disposable)
        {
            disposable.Dispose();
        }
        else if (_store is IAsyncDisposable asyncDisposable)
        {
            asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private ICacheStore Select()
    {
        if (!Named && explicitStores.LastOrDefault() is { } chosen)
        {
            var store = chosen.Factory(services);
            logger.StoreSelected(store.GetType().Name);
            return store;
        }

        _ownsStore = true;
        var context = StoreSections.Context(services, Name, options.Value);
        foreach (var factory in factories)
        {
            if (factory.IsConfigured(context))
            {
                return factory.Create(context);
            }
        }

        var sizeLimit = options.Value.MemorySizeLimit;
        if (!Named)
        {
            logger.MemoryStoreSelected();
        }

        if (!Named && environment is not null && !Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(environment))
        {
            logger.MemoryStorePerProcess(environment.EnvironmentName, sizeLimit);
        }

        return new MemoryCacheStore(timeProvider, sizeLimit);
    }
}
