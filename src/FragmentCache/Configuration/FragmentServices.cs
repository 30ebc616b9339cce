using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache;

/// <summary>Registrations of the fragment layer (kept apart from the low-level ones).</summary>
internal static class FragmentServices
{
    public static void Add(IServiceCollection services)
    {
        _ = services;
    }
}
