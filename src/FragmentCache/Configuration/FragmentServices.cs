using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>Registrations of the fragment layer (kept apart from the low-level ones).</summary>
internal static class FragmentServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<TagGenerationStore>();
        services.TryAddSingleton<LocalFragmentTier>();
        services.TryAddSingleton<IFragmentCache, DefaultFragmentCache>();
        // The default cache's prefetcher; a decorated cache is not prefetched for (its lookups may not reach the default one).
        services.TryAddSingleton<IFragmentPrefetcher>(sp => sp.GetRequiredService<IFragmentCache>() is DefaultFragmentCache cache
            ? cache.Prefetcher
            : FragmentPrefetcher.Off);
        // The entry seam over the default store: the same entries, tags and local copies as the default fragment cache.
        services.TryAddSingleton<IFragmentEntryStore>(sp => new FragmentEntryStore(
            sp.GetRequiredService<ICacheStore>(),
            sp.GetRequiredService<CacheKeyBuilder>(),
            sp.GetRequiredService<TagGenerationStore>(),
            sp.GetRequiredService<LocalFragmentTier>(),
            sp.GetRequiredService<FragmentCacheMetrics>(),
            sp.GetRequiredService<StoreErrorReporter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<FragmentCacheOptions>>().Value,
            sp.GetRequiredService<ILogger<DefaultFragmentCache>>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<FragmentCacheMetrics>().Statistics);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LocalTierPoller>());
    }
}
