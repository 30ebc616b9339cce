using FragmentCache.Mvc.Pages;

namespace FragmentCache.Mvc.Endpoints;

/// <summary>
/// The endpoint metadata <c>.CachePage(...)</c> adds: the same settings as <see cref="CachePageAttribute"/>, read by
/// <see cref="CachePageEndpointCache"/> (inside the endpoint) and by <c>app.UseCachePage()</c> (before it). The last one
/// added decides, so an endpoint's own call wins over its group's.
/// </summary>
internal sealed class CachePageMetadata(CachePageAttribute settings, string origin)
{
    /// <summary>The settings, resolved by <see cref="PagePolicy.Resolve"/> as the attribute's are.</summary>
    public CachePageAttribute Settings { get; } = settings;

    /// <summary>How the call reads in an error message: <c>CachePage("profile")</c>, <c>CachePage(...)</c>.</summary>
    public string Origin { get; } = origin;

    /// <summary>
    /// The policy of these settings; an unknown profile throws, naming it and <paramref name="endpoint"/>.
    /// </summary>
    public PagePolicy Resolve(FragmentCacheMvcOptions mvc, PageCacheOptions pages, string? endpoint)
    {
        if (Problem(mvc, endpoint) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        return PagePolicy.Resolve(Settings, mvc, pages);
    }

    /// <summary>Why these settings cannot be resolved (a profile that does not exist), or <see langword="null"/>.</summary>
    public string? Problem(FragmentCacheMvcOptions mvc, string? endpoint)
        => string.IsNullOrEmpty(Settings.Profile) || mvc.Profiles.ContainsKey(Settings.Profile)
            ? null
            : $"{Origin} on {endpoint ?? "an endpoint"}: no profile \"{Settings.Profile}\" in FragmentCache:Mvc:Profiles.";
}
