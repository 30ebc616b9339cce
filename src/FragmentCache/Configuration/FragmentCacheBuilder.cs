using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache;

/// <summary>Returned by <c>AddFragmentCache</c>: chooses the store behind the cache.</summary>
public sealed class FragmentCacheBuilder
{
    internal FragmentCacheBuilder(IServiceCollection services, IConfiguration? configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The configuration section passed to <c>AddFragmentCache</c>, where a backend's <c>Use{Backend}()</c> reads its
    /// settings (for Memcached, <c>Servers</c> and <c>Memcached</c>). <see langword="null"/> when <c>AddFragmentCache</c>
    /// was configured in code.
    /// </summary>
    public IConfiguration? Configuration { get; }

    /// <summary>
    /// Uses whatever <see cref="IDistributedCache"/> is registered (Redis, SQL Server, ...) instead of
    /// a backend's store or memory: Django's <c>BACKEND</c> switch in one line. Increments and adds are then
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
