using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// Picks the store once: a store chosen in code; else Memcached when <see cref="FragmentCacheOptions.Servers"/>
/// is non-empty; else memory. Says which in one log line.
/// </summary>
internal sealed class CacheStoreSelector(
    IServiceProvider services,
    IOptions<FragmentCacheOptions> options,
    IEnumerable<ExplicitStoreRegistration> explicitStores,
    TimeProvider timeProvider,
    ILogger<CacheStoreSelector> logger,
    ILoggerFactory? loggerFactory = null,
    System.Diagnostics.Metrics.IMeterFactory? meterFactory = null,
    Microsoft.Extensions.Hosting.IHostEnvironment? environment = null) : IDisposable
{
    private readonly Lock _lock = new();
    private ICacheStore? _store;
    private bool _ownsStore;

    /// <summary>
    /// Whether this selector picks a named store. A named store announces itself (<c>NamedStoreReady</c>), and a named
    /// store without servers is a deliberate per-process cache (Django's <c>LocMemCache</c> alias), so the memory store's
    /// log line and per-process warning are written for the main store only.
    /// </summary>
    public bool Named { get; set; }

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
        if (_ownsStore && _store is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private ICacheStore Select()
    {
        if (explicitStores.LastOrDefault() is { } chosen)
        {
            var store = chosen.Factory(services);
            logger.StoreSelected(store.GetType().Name);
            return store;
        }

        var servers = options.Value.Servers;
        _ownsStore = true;
        if (servers.Count == 0)
        {
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

        var memcached = options.Value.Memcached.Clone();
        memcached.Servers.Clear();
        foreach (var server in servers)
        {
            memcached.Servers.Add(server);
        }

        logger.MemcachedStoreSelected(servers.Count, string.Join(", ", servers));
        return new MemcachedCacheStore(memcached, loggerFactory, meterFactory, timeProvider);
    }
}
