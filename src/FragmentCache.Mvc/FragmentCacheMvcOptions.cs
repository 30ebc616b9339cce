namespace FragmentCache.Mvc;

/// <summary>
/// Settings of the MVC layer (fragments, pages, profiles), bound from the <c>Mvc</c> child of the section passed to <c>AddFragmentCache</c> (<c>"FragmentCache:Mvc"</c> by default), and validated at startup:
/// each setting is checked, the message naming its path.
/// </summary>
public sealed class FragmentCacheMvcOptions
{
    /// <summary>The configuration section used when <c>AddFragmentCache</c> was configured in code: <c>"FragmentCache:Mvc"</c>.</summary>
    public const string SectionName = "FragmentCache:Mvc";

    /// <summary>
    /// The largest fragment (UTF-8 bytes) that is stored; a larger one is rendered and served but not cached.
    /// The default is 1,000,000 bytes (under memcached's default 1 MB item size, leaving room for the entry header).
    /// </summary>
    public int MaxFragmentSize { get; set; } = 1_000_000;

    /// <summary>
    /// Whether fragment keys carry a digest of the view's compiled source by default, so a deployed template
    /// change invalidates its fragments. A fragment opts out with <c>view-digest="false"</c>. The default is <see langword="true"/>.
    /// </summary>
    public bool ViewDigest { get; set; } = true;

    /// <summary>
    /// The response header that says <c>hit</c>, <c>miss</c> or <c>stale</c> for fragments and pages.
    /// The default is <c>"X-Fragment-Cache"</c>; <see langword="null"/> or empty turns it off.
    /// </summary>
    public string? CacheStatusHeader { get; set; } = "X-Fragment-Cache";

    /// <summary>
    /// Whether <see cref="CacheStatusHeader"/> is sent. The default <see langword="null"/> means only in the
    /// Development environment.
    /// </summary>
    public bool? EmitCacheStatusHeader { get; set; }

    /// <summary>
    /// Whether each MVC action and Razor page remembers the fragment keys (and their tags) its last request looked up,
    /// and reads them, with their tag counters, in one get-many when its next request starts
    /// (<see cref="IFragmentPrefetcher"/>), so its fragment hits wait for no further round trip. Signed-in users' requests
    /// are remembered apart, per user name. The default is <see langword="false"/>.
    /// </summary>
    public bool PrefetchFragments { get; set; }

    /// <summary>Named profiles, case-insensitive. The default is none.</summary>
    public IDictionary<string, CacheProfile> Profiles { get; } = new Dictionary<string, CacheProfile>(StringComparer.OrdinalIgnoreCase);
}
