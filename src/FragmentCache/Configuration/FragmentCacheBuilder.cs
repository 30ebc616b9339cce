using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache;

/// <summary>Returned by <c>AddFragmentCache</c>: chooses the store behind the cache.</summary>
public sealed class FragmentCacheBuilder
{
    internal FragmentCacheBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Uses whatever <see cref="IDistributedCache"/> is registered (Redis, SQL Server, ...) instead of
    /// Memcached or memory: Django's <c>BACKEND</c> switch in one line. Increments and adds are then
    /// not atomic across processes, and stampede protection is in-process only. Not set by default.
    /// </summary>
    /// <returns>This builder.</returns>
    public FragmentCacheBuilder UseDistributedCache()
        => UseStore(sp => new DistributedCacheStore(sp.GetRequiredService<IDistributedCache>()));

    /// <summary>Uses a store of your own. The last call wins. Not set by default.</summary>
    /// <param name="factory">Creates the store once, on first use.</param>
    /// <returns>This builder.</returns>
    public FragmentCacheBuilder UseStore(Func<IServiceProvider, ICacheStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new ExplicitStoreRegistration(factory));
        return this;
    }
}
