using FragmentCache.Mvc.Internal;

namespace FragmentCache.Mvc.Pages;

/// <summary>The resolved settings of one page-cache decision.</summary>
internal sealed record PagePolicy(
    TimeSpan Duration,
    string[] VaryByHeaders,
    string[] VaryByCookies,
    string[]? VaryByQueryKeys,
    bool VaryByUser,
    string[] Tags,
    bool PerSite,
    bool VaryByCulture = true,
    bool KeepUnkeyedQuery = false,
    bool StripUnkeyedCookies = false,
    string? Store = null)
{
    /// <summary>
    /// The settings of <paramref name="attribute"/> over its profile's, over the defaults (one rule for the filter and
    /// the middleware). An unknown profile throws, naming it.
    /// </summary>
    public static PagePolicy Resolve(CachePageAttribute attribute, FragmentCacheMvcOptions mvc, PageCacheOptions pages)
    {
        CacheProfile? profile = null;
        if (!string.IsNullOrEmpty(attribute.Profile) && !mvc.Profiles.TryGetValue(attribute.Profile, out profile))
        {
            throw new InvalidOperationException($"[CachePage(Profile = \"{attribute.Profile}\")]: no such profile in FragmentCache:Mvc:Profiles.");
        }

        var duration = attribute.Duration > 0
            ? TimeSpan.FromSeconds(attribute.Duration)
            : profile?.Duration ?? pages.DefaultDuration;
        string[]? query = attribute.VaryByQueryKeys is { } keys
            ? VaryValues.Merge(keys, null)
            : profile is { Vary.QueryKeys.Count: > 0 } ? VaryValues.Merge(profile.Vary.QueryKeys, null) : null;
        return new PagePolicy(
            duration,
            VaryValues.Merge(attribute.VaryByHeaders, profile?.Vary.Headers),
            VaryValues.Merge(attribute.VaryByCookies, profile?.Vary.Cookies),
            query,
            attribute.VaryByUser || profile?.Vary.User == true,
            VaryValues.Merge(attribute.Tags, profile?.Tags),
            PerSite: false,
            VaryByCulture: attribute.VaryByCulture && pages.VaryByCulture,
            KeepUnkeyedQuery: attribute.KeepUnkeyedQuery,
            StripUnkeyedCookies: pages.StripUnkeyedCookies,
            Store: string.IsNullOrEmpty(attribute.Store) ? profile?.Store : attribute.Store);
    }

    /// <summary>The per-site cache's policy: every response's own lifetime (at most <see cref="PageCacheOptions.MaxDuration"/>) and learned <c>Vary</c>.</summary>
    public static PagePolicy Site(PageCacheOptions pages) =>
        new(pages.MaxDuration, [], [], null, VaryByUser: false, [], PerSite: true, VaryByCulture: pages.VaryByCulture);
}
