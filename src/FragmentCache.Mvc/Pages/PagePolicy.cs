using FragmentCache.Mvc.Internal;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// The resolved settings of one page-cache decision. <paramref name="Vary"/> holds what the key varies by, merged once
/// (names trimmed, case-insensitively distinct), with one page rule of its own: query keys it never set
/// (<see cref="VaryRules.QueryKeysOrNull"/> <see langword="null"/>) mean the whole query, an empty list none.
/// </summary>
internal sealed record PagePolicy(
    TimeSpan Duration,
    VaryRules Vary,
    string[] Tags,
    bool PerSite,
    bool KeepUnkeyedQuery = false,
    bool StripUnkeyedCookies = false,
    string? Store = null,
    bool AllowSignedIn = false)
{
    /// <summary>
    /// Whether a signed-in request is cached: only when the key carries the user. Callback values do not lift the rule: a
    /// page keyed by a tenant claim may still greet its user by name, so sharing it needs the user in the key.
    /// </summary>
    public bool KeysUser => Vary.User;

    /// <summary>
    /// Whether signed-in requests are served from the page cache and may fill it: when the key carries the user, or the page
    /// opted in to one entry shared by everyone (<see cref="CachePageAttribute.AllowSignedIn"/>: its per-user parts are holes).
    /// </summary>
    public bool ServesSignedIn => Vary.User || AllowSignedIn;

    /// <summary>The query key (and route value) Razor Pages reads a handler's name from.</summary>
    public const string RazorPageHandlerKey = "handler";

    /// <summary>
    /// The settings of <paramref name="attribute"/> over its profile's, over the defaults (one rule for the filter and
    /// the middleware): the attribute's <c>VaryBy*</c> names merged with the profile's <see cref="CacheProfile.Vary"/>,
    /// whose route values and callback values apply as they are. An unknown profile throws, naming it.
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
        var shared = profile?.Vary;
        var vary = new VaryRules
        {
            User = attribute.VaryByUser || shared?.User == true,
            Culture = attribute.VaryByCulture && pages.VaryByCulture,
        };
        Add(vary.Headers, VaryValues.Merge(attribute.VaryByHeaders, shared?.HeadersOrNull));
        Add(vary.Cookies, VaryValues.Merge(attribute.VaryByCookies, shared?.CookiesOrNull));
        Add(vary.RouteValues, VaryValues.Merge(shared?.RouteValuesOrNull, null));
        // A Razor Page's handler name picks the handler: a page that names its query keys keeps it too.
        string[]? handler = attribute.KeysPageHandler ? [RazorPageHandlerKey] : null;
        if (attribute.VaryByQueryKeys is { } keys)
        {
            // Named by the attribute, even as none (the list exists, empty): an empty array ignores the query string.
            Add(vary.QueryKeys, VaryValues.Merge(keys, handler));
        }
        else if (shared is { QueryKeysOrNull.Count: > 0 })
        {
            Add(vary.QueryKeys, VaryValues.Merge(shared.QueryKeysOrNull, handler));
        }

        if (shared?.ValuesOrNull is { Count: > 0 } values)
        {
            foreach (var (name, callback) in values)
            {
                vary.Values[name] = callback;
            }
        }

        return new PagePolicy(
            duration,
            vary,
            VaryValues.Merge(attribute.Tags, profile?.Tags),
            PerSite: false,
            KeepUnkeyedQuery: attribute.KeepUnkeyedQuery,
            StripUnkeyedCookies: pages.StripUnkeyedCookies,
            Store: string.IsNullOrEmpty(attribute.Store) ? profile?.Store : attribute.Store,
            AllowSignedIn: attribute.AllowSignedIn || profile?.AllowSignedIn == true);
    }

    /// <summary>
    /// The per-site cache's policy: every response's own lifetime (at most <see cref="PageCacheOptions.MaxDuration"/>),
    /// the whole query, the culture unless <see cref="PageCacheOptions.VaryByCulture"/> is off, and learned <c>Vary</c>.
    /// </summary>
    public static PagePolicy Site(PageCacheOptions pages) =>
        new(pages.MaxDuration, new VaryRules { Culture = pages.VaryByCulture }, [], PerSite: true);

    private static void Add(IList<string> target, string[] names)
    {
        foreach (var name in names)
        {
            target.Add(name);
        }
    }
}
