using FragmentCache.Mvc;
using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MVC layer of FragmentCache.</summary>
public static class FragmentCacheMvcServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>&lt;memcache-fragment&gt;</c>, <see cref="CachePageAttribute"/> and <c>UseFragmentCachePages</c> need,
    /// binding <see cref="FragmentCacheMvcOptions"/> to <c>"FragmentCache:Mvc"</c> and <see cref="FragmentCachePagesOptions"/>
    /// to <c>"FragmentCache:Pages"</c>. Call <c>AddFragmentCache</c> too (it chooses the store).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets options in code after configuration is bound; optional.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFragmentCacheMvc(this IServiceCollection services, Action<FragmentCacheMvcOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var mvc = services.AddOptions<FragmentCacheMvcOptions>().BindConfiguration(FragmentCacheMvcOptions.SectionName);
        if (configure is not null)
        {
            mvc.Configure(configure);
        }

        services.AddOptions<FragmentCachePagesOptions>().BindConfiguration(FragmentCachePagesOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CacheStatus>();
        services.TryAddSingleton(sp => new ViewDigestProvider(sp.GetService<ApplicationPartManager>(), sp.GetService<Microsoft.Extensions.Logging.ILogger<ViewDigestProvider>>()));
        services.TryAddSingleton<PageCacheHandler>();
        return services;
    }

    /// <summary>Sets page-caching options in code (after configuration is bound).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection ConfigureFragmentCachePages(this IServiceCollection services, Action<FragmentCachePagesOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services;
    }
}
