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
    string? Store = null);
