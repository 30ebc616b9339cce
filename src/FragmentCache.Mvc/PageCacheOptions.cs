namespace FragmentCache.Mvc;

/// <summary>
/// Settings of page caching (<see cref="CachePageAttribute"/> and <c>UseSiteCache</c>), bound from the
/// <c>Pages</c> child of the section passed to <c>AddFragmentCache</c> (<c>"FragmentCache:Pages"</c> by default), and validated at startup: each setting is checked, the message naming its path.
/// </summary>
public sealed class PageCacheOptions
{
    /// <summary>The configuration section used when <c>AddFragmentCache</c> was configured in code: <c>"FragmentCache:Pages"</c>.</summary>
    public const string SectionName = "FragmentCache:Pages";

    /// <summary>
    /// How long a page lives when neither the attribute nor the response's <c>Cache-Control: max-age</c> says.
    /// The default is 10 minutes (Django's <c>CACHE_MIDDLEWARE_SECONDS</c>).
    /// </summary>
    public TimeSpan DefaultDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest a page is kept by the per-site middleware, whatever the response's <c>max-age</c> says.
    /// The default is 1 hour.
    /// </summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Distinguishes page keys of several sites sharing one cache (Django's <c>CACHE_MIDDLEWARE_KEY_PREFIX</c>). The default is <c>""</c>.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>
    /// The largest response body that is stored, and the most a page being rendered holds in memory: past it the response
    /// streams to the client and is not stored. The default is 1,000,000 bytes.
    /// </summary>
    public int MaxBodySize { get; set; } = 1_000_000;

    /// <summary>
    /// Whether page keys carry the request's culture and UI culture when <c>UseRequestLocalization</c> resolved them, in
    /// <see cref="CachePageAttribute"/> and the per-site cache. The default is <see langword="true"/>; <see langword="false"/>
    /// serves one copy of a page to every culture.
    /// </summary>
    public bool VaryByCulture { get; set; } = true;

    /// <summary>
    /// Whether <see cref="CachePageAttribute"/> removes the cookies its key does not carry (<see cref="CachePageAttribute.VaryByCookies"/>)
    /// from the request before the action runs, as it does for the query. The default is <see langword="false"/>: the
    /// authentication, antiforgery, session and TempData cookies are all unkeyed, and a page that needs one of them breaks
    /// without it; turn it on where pages read no cookie they are not keyed by.
    /// </summary>
    public bool StripUnkeyedCookies { get; set; }

    /// <summary>Whether URL paths are compared case-sensitively. The default is <see langword="false"/> (<c>/Home</c> and <c>/home</c> share an entry).</summary>
    public bool CaseSensitivePaths { get; set; }
}
