using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc;

/// <summary>
/// Caches the whole response of an action, of every action of a controller, or of every GET handler of a Razor Pages page
/// model, each handler under its own entries (Django's <c>cache_page</c>); an action's attribute wins over its controller's.
/// Minimal APIs take the same settings through <c>.CachePage(...)</c>. Safe by default: only GET and HEAD, only 200, never a
/// response with <c>Set-Cookie</c> or <c>Cache-Control: private/no-store/no-cache</c>, never a request with an
/// <c>Authorization</c> header, never a signed-in user unless <see cref="VaryByUser"/> (then one entry per user; a
/// profile's callback values, <see cref="VaryRules.Values"/>, do not lift this rule) or <see cref="AllowSignedIn"/>
/// (one shared entry, for a page whose per-user parts are holes); a page with holes goes out <c>Cache-Control: private</c>
/// without <c>ETag</c>, and what its holes set (cookies, caching headers) neither blocks storing nor is stored; one entry per
/// request culture; the profile's <see cref="CacheProfile.Vary"/> (headers, cookies, query keys, route values, user,
/// callback values) merged with the <c>VaryBy*</c> settings here; query keys the key ignores are removed from the request (<see cref="KeepUnkeyedQuery"/>); a response
/// that streams (flushes, starts, or outgrows <see cref="PageCacheOptions.MaxBodySize"/>) passes through unstored.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class CachePageAttribute : Attribute, IFilterFactory, IOrderedFilter
{
    /// <summary>Time to live in seconds. The default 0 means the profile's, else <see cref="PageCacheOptions.DefaultDuration"/> (10 minutes).</summary>
    public int Duration { get; set; }

    /// <summary>Request headers the page varies by (Django's <c>vary_on_headers</c>). The default is none.</summary>
    public string[]? VaryByHeaders { get; set; }

    /// <summary>Cookies the page varies by (Django's <c>vary_on_cookie</c>, per cookie). The default is none.</summary>
    public string[]? VaryByCookies { get; set; }

    /// <summary>
    /// Query keys the page varies by; the default <see langword="null"/> means every query key (names case-insensitive,
    /// values case-sensitive, order-insensitive). An empty array ignores the query string.
    /// </summary>
    public string[]? VaryByQueryKeys { get; set; }

    /// <summary>Caches pages of signed-in users, one entry per user (stable id). The default is <see langword="false"/>: signed-in requests are not cached.</summary>
    public bool VaryByUser { get; set; }

    /// <summary>
    /// Serves signed-in users from the one entry every visitor shares, and lets their requests fill it. Only for a page whose
    /// per-user parts are all holes (<c>&lt;fragment-hole&gt;</c>: the user's name, a form with its antiforgery token); the
    /// rest of the page must be the same for everyone, as it is stored once and served to all. The default is
    /// <see langword="false"/>: signed-in requests are not cached unless <see cref="VaryByUser"/> keys the entry by user.
    /// The profile's <see cref="CacheProfile.AllowSignedIn"/> turns it on too.
    /// </summary>
    public bool AllowSignedIn { get; set; }

    /// <summary>
    /// Whether the key carries the request's culture and UI culture, as resolved by <c>UseRequestLocalization</c> (nothing is
    /// added for a request it did not see). The default is <see langword="true"/>; <see langword="false"/> serves one copy
    /// to every culture. <see cref="PageCacheOptions.VaryByCulture"/> set to <see langword="false"/> turns it off
    /// for every page.
    /// </summary>
    public bool VaryByCulture { get; set; } = true;

    /// <summary>
    /// Whether query keys the key ignores (outside <see cref="VaryByQueryKeys"/>) stay in the request the action sees. The
    /// default <see langword="false"/> removes them from <c>Request.QueryString</c> and <c>Request.Query</c> before the
    /// action runs, so a shared page cannot carry one visitor's unkeyed input to the next (web cache poisoning).
    /// <see langword="true"/> keeps them: only safe when nothing the page renders (links, forms, partials, tag helpers)
    /// reads the query string.
    /// </summary>
    public bool KeepUnkeyedQuery { get; set; }

    /// <summary>Tags the page carries; <see cref="IFragmentCache.InvalidateTagAsync"/> on one drops it everywhere. The default is none.</summary>
    public string[]? Tags { get; set; }

    /// <summary>
    /// A named profile from <see cref="FragmentCacheMvcOptions.Profiles"/>; settings given here win, and its
    /// <see cref="CacheProfile.Vary"/> adds to the <c>VaryBy*</c> settings here. The default is none.
    /// </summary>
    public string? Profile { get; set; }

    /// <summary>
    /// The named store the page is kept in (<c>FragmentCache:Stores:{name}</c>, Django's <c>cache_page(cache=...)</c>);
    /// an unknown name fails at startup. The default <see langword="null"/> means the profile's, else the main store.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>The filter order. The default is 0.</summary>
    public int Order { get; set; }

    /// <inheritdoc/>
    /// <remarks><see langword="true"/>: the filter keeps no per-request state.</remarks>
    public bool IsReusable => true;

    /// <summary>
    /// Set on the copy a Razor Page's model carries (<see cref="ForRazorPage"/>): the page's handler name (the <c>handler</c>
    /// query key) always stays in the key and in the request, as it picks the handler that runs.
    /// </summary>
    internal bool KeysPageHandler { get; private set; }

    /// <summary>A copy of these settings for a Razor Page (<see cref="KeysPageHandler"/>); this instance is left as it is.</summary>
    internal CachePageAttribute ForRazorPage()
    {
        var copy = (CachePageAttribute)MemberwiseClone();
        copy.KeysPageHandler = true;
        return copy;
    }

    /// <inheritdoc/>
    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider)
        => ActivatorUtilities.CreateInstance<CachePageFilter>(serviceProvider, this);
}
