using FragmentCache.Mvc.OutputCaching;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores ASP.NET Core output caching (<c>[OutputCache]</c>, <c>CacheOutput()</c>) in the FragmentCache store.</summary>
public static class FragmentCacheOutputCacheServiceCollectionExtensions
{
    /// <summary>
    /// Replaces the in-memory <see cref="IOutputCacheStore"/> with one over the FragmentCache store (Memcached when
    /// <c>FragmentCache:Servers</c> is set), tags and <c>EvictByTagAsync</c> included. Works before or after
    /// <c>AddOutputCache</c>; needs <c>AddFragmentCache</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFragmentCacheOutputCacheStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IOutputCacheStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IOutputCacheStore, FragmentCacheOutputCacheStore>();
        return services;
    }
}
