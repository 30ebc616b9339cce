namespace FragmentCache.Mvc;

/// <summary>
/// A named set of caching settings (like MVC's <c>CacheProfile</c>), used by <c>profile="..."</c> on
/// <c>&lt;memcache-fragment&gt;</c> and <c>&lt;MemcacheFragment&gt;</c> and by <see cref="CachePageAttribute.Profile"/>.
/// Settings given on the tag or attribute itself win over the profile's; vary rules add up.
/// </summary>
public sealed class CacheProfile
{
    /// <summary>How long entries live. The default <see langword="null"/> means the caller's own default.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>
    /// What the entries vary by (<c>Profiles:{name}:Vary:Headers:0</c> and so on in configuration; <see cref="VaryRules.Values"/>
    /// in code). For pages, <see cref="VaryRules.QueryKeys"/> replaces the default "all keys" and <see cref="VaryRules.User"/>
    /// also decides whether signed-in users are cached at all. The default is none.
    /// </summary>
    public VaryRules Vary { get; } = new();

    /// <summary>Tags the entries carry. The default is none.</summary>
    public IList<string> Tags { get; } = [];

    /// <summary>The named store the entries are kept in (<c>FragmentCache:Stores:{name}</c>); an unknown name fails at startup. The default <see langword="null"/> means the main store.</summary>
    public string? Store { get; set; }

    /// <summary>
    /// For pages: serve signed-in users from the one shared entry, and let their requests fill it, as
    /// <see cref="CachePageAttribute.AllowSignedIn"/> does (either one turns it on). The default is <see langword="false"/>.
    /// </summary>
    public bool AllowSignedIn { get; set; }
}
