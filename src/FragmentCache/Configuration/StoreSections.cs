using Microsoft.Extensions.Configuration;

namespace FragmentCache;

/// <summary>Where each store's settings live: the section passed to <c>AddFragmentCache</c>, and its <c>Stores:{name}</c> children.</summary>
internal static class StoreSections
{
    /// <summary>
    /// The store's section: for the main store, the section passed to <c>AddFragmentCache</c> (or the application's
    /// <c>FragmentCache</c> section when it was configured in code); for a named store, its <c>Stores:{name}</c> child.
    /// </summary>
    public static IConfiguration? Section(IServiceProvider services, string name)
    {
        if (string.Equals(name, CacheStoreContext.DefaultName, StringComparison.OrdinalIgnoreCase))
        {
            if (services.GetService(typeof(IEnumerable<FragmentCacheConfigurationSection>)) is IEnumerable<FragmentCacheConfigurationSection> all
                && all.LastOrDefault() is { } passed)
            {
                return passed.Configuration;
            }

            return (services.GetService(typeof(IConfiguration)) as IConfiguration)?.GetSection(FragmentCacheOptions.SectionName);
        }

        return FragmentCacheConfigurationSection.Child(services, "Stores:" + name).Section;
    }

    public static CacheStoreContext Context(IServiceProvider services, string name, FragmentCacheOptions options)
        => new(name, options, Section(services, name), services);

    /// <summary>The prefix of a store's messages: <c>FragmentCache:</c> or <c>FragmentCache:Stores:{name}:</c>.</summary>
    public static string MessagePrefix(string name)
        => string.Equals(name, CacheStoreContext.DefaultName, StringComparison.OrdinalIgnoreCase)
            ? FragmentCacheOptions.SectionName + ":"
            : FragmentCacheOptions.SectionName + ":Stores:" + name + ":";
}
