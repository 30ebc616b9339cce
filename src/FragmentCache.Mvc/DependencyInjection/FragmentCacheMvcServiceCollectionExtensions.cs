using FragmentCache.Mvc;
using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MVC layer of FragmentCache.</summary>
public static class FragmentCacheMvcServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>&lt;memcache-fragment&gt;</c>, <see cref="CachePageAttribute"/> and <c>UseSiteCache</c> need
    /// (with <see cref="TemplateFragmentKeys"/>, and antiforgery wrapped so a fragment can tell that its render issued a token),
    /// binding <see cref="FragmentCacheMvcOptions"/> to the <c>Mvc</c> child and <see cref="PageCacheOptions"/> to
    /// the <c>Pages</c> child of the section passed to <c>AddFragmentCache</c> (<c>"FragmentCache:Mvc"</c> and
    /// <c>"FragmentCache:Pages"</c> when it was configured in code), and validating both at startup. Call
    /// <c>AddFragmentCache</c> too (it chooses the store), before or after this.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets options in code after configuration is bound; optional.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFragmentCacheMvc(this IServiceCollection services, Action<FragmentCacheMvcOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Bound from the section AddFragmentCache was given, whichever of the two is called first (resolved lazily).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FragmentCacheMvcOptions>, FragmentCacheMvcOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<PageCacheOptions>, PageCacheOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FragmentCacheMvcOptions>, FragmentCacheMvcOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PageCacheOptions>, PageCacheOptionsValidator>());
        var mvc = services.AddOptions<FragmentCacheMvcOptions>().ValidateOnStart();
        if (configure is not null)
        {
            mvc.Configure(configure);
        }

        services.AddOptions<PageCacheOptions>().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CacheStatus>();
        services.TryAddSingleton(sp => new ViewDigestProvider(sp.GetService<ApplicationPartManager>(), sp.GetService<Microsoft.Extensions.Logging.ILogger<ViewDigestProvider>>()));
        services.TryAddSingleton<PageCacheHandler>();
        // Resolves MVC's services on first use: an app without view components (no MVC views) still starts.
        services.TryAddSingleton<FragmentCache.Mvc.Holes.HoleRenderer>();
        services.TryAddSingleton<PageCacheHandlers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, StoreNameCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Hosting.IStartupFilter, FragmentCache.Mvc.Endpoints.CachePageEndpointCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>, CachePagePageConventionSetup>());
        services.TryAddSingleton<FragmentWarnings>();
        services.TryAddSingleton<FragmentRenderer>();
        services.TryAddSingleton(sp => new TemplateFragmentKeys(sp.GetRequiredService<ViewDigestProvider>()));
        FragmentPrefetchFilter.Add(services);
        TrackingAntiforgeryRegistration.Add(services);
        PageWriterFactory.Add(services);
        return services;
    }

    /// <summary>Sets page-caching options in code (after configuration is bound).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection ConfigurePageCache(this IServiceCollection services, Action<PageCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services;
    }
}
