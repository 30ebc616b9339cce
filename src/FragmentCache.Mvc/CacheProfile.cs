namespace FragmentCache.Mvc;

/// <summary>
/// A named set of caching settings (like MVC's <c>CacheProfile</c>), used by <c>profile="..."</c> on
/// <c>&lt;memcache-fragment&gt;</c> and by <see cref="CachePageAttribute.Profile"/>. Settings given on the
/// tag or attribute itself win over the profile's.
/// </summary>
public sealed class CacheProfile
{
    /// <summary>How long entries live. The default <see langword="null"/> means the caller's own default.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Request headers the entry varies by. The default is none.</summary>
    public IList<string> VaryByHeaders { get; } = [];

    /// <summary>Cookies the entry varies by. The default is none.</summary>
    public IList<string> VaryByCookies { get; } = [];

    /// <summary>Query keys the entry varies by (pages: replaces the default "all keys"). The default is none.</summary>
    public IList<string> VaryByQueryKeys { get; } = [];

    /// <summary>Whether the entry varies by user (and, for pages, whether signed-in users are cached at all). The default is <see langword="false"/>.</summary>
    public bool VaryByUser { get; set; }

    /// <summary>Tags the entries carry. The default is none.</summary>
    public IList<string> Tags { get; } = [];

    /// <summary>The named store the entries are kept in (<c>FragmentCache:Stores:{name}</c>); an unknown name fails at startup. The default <see langword="null"/> means the main store.</summary>
    public string? Store { get; set; }
}
