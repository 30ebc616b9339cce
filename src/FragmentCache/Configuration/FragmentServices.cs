using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FragmentCache;

/// <summary>Registrations of the fragment layer (kept apart from the low-level ones).</summary>
internal static class FragmentServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<TagGenerationStore>();
        services.TryAddSingleton<LocalFragmentTier>();
        services.TryAddSingleton<IFragmentCache, DefaultFragmentCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LocalTierPoller>());
    }
}
