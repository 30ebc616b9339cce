using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc;

/// <summary>
/// What a cached entry varies by, beyond its name: one set of rules shared by <c>&lt;memcache-fragment&gt;</c>,
/// <c>&lt;MemcacheFragment&gt;</c>, <see cref="CachePageAttribute"/> and <see cref="CacheProfile.Vary"/>, written into
/// fragment and page keys alike. A fragment's own attributes (a page's <c>VaryBy*</c> settings) are read into a
/// <see cref="VaryRules"/> and merged with its profile's (names case-insensitively, flags by "either"). Bound from
/// configuration as <c>FragmentCache:Mvc:Profiles:{name}:Vary:Headers:0</c> and so on; <see cref="Values"/> is set in code.
/// </summary>
/// <example>
/// <code>
/// options.Profiles["tenant"] = new CacheProfile();
/// options.Profiles["tenant"].Vary.Values["tenant"] = ctx => ctx.User.FindFirst("tenant")?.Value;
/// </code>
/// </example>
public sealed class VaryRules
{
    private List<string>? _headers;
    private List<string>? _queryKeys;
    private List<string>? _routeValues;
    private List<string>? _cookies;
    private Dictionary<string, Func<HttpContext, string?>>? _values;

    /// <summary>
    /// Request headers (names case-insensitive; every value of a multi-value header). The values of <c>Cookie</c>,
    /// <c>Authorization</c> and <c>Proxy-Authorization</c> are keyed as digests. The default is none.
    /// </summary>
    public IList<string> Headers => _headers ??= [];

    /// <summary>
    /// Query keys (names case-insensitive, values case-sensitive). The default is none; a page whose attribute and profile
    /// name none varies by every query key (<see cref="CachePageAttribute.VaryByQueryKeys"/>).
    /// </summary>
    public IList<string> QueryKeys => _queryKeys ??= [];

    /// <summary>Route values, formatted culture-invariantly. The default is none.</summary>
    public IList<string> RouteValues => _routeValues ??= [];

    /// <summary>Cookies, keyed as digests of their values (a cookie may be a session); a missing cookie differs from an empty one. The default is none.</summary>
    public IList<string> Cookies => _cookies ??= [];

    /// <summary>
    /// Whether the entry varies by the signed-in user's stable id (the <c>NameIdentifier</c> claim, then <c>sub</c>, then
    /// the name). The default is <see langword="false"/>.
    /// </summary>
    public bool User { get; set; }

    /// <summary>Whether the entry varies by the current culture and UI culture. The default is <see langword="false"/>.</summary>
    public bool Culture { get; set; }

    /// <summary>
    /// Values of the application's own, by name (case-sensitive): a claim, a feature flag, a tenant. Each callback runs
    /// on every lookup with the current request and must be cheap; its result is keyed as a digest (SHA-256), like a
    /// cookie, so a value of any length or secrecy never reaches the store, and <see langword="null"/> differs from
    /// empty. Callbacks are skipped where there is no request (a component outside static server rendering). The
    /// default is none.
    /// </summary>
    public IDictionary<string, Func<HttpContext, string?>> Values => _values ??= new(StringComparer.Ordinal);

    internal List<string>? HeadersOrNull => _headers;

    internal List<string>? QueryKeysOrNull => _queryKeys;

    internal List<string>? RouteValuesOrNull => _routeValues;

    internal List<string>? CookiesOrNull => _cookies;

    internal Dictionary<string, Func<HttpContext, string?>>? ValuesOrNull => _values;
}
