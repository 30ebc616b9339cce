using FragmentCache.Mvc;
using FragmentCache.Mvc.Pages;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds page caching to the pipeline: <see cref="CachePageAttribute"/> hits before MVC, and the per-site cache.</summary>
public static class PageCacheApplicationBuilderExtensions
{
    /// <summary>
    /// Caches every eligible GET/HEAD response (Django's per-site cache), honouring the response's own
    /// <c>Cache-Control</c> (<c>max-age</c>, <c>s-maxage</c>, <c>private</c>, <c>no-store</c>, <c>no-cache</c>) and
    /// <c>Vary</c>. Place it after authentication (it never caches signed-in users) and before the endpoints.
    /// Needs <c>AddFragmentCache</c> and <c>AddFragmentCacheMvc</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseSiteCache(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<SiteCacheMiddleware>();
    }

    /// <summary>
    /// Answers <see cref="CachePageAttribute"/> hits from the selected endpoint's metadata, before MVC creates the
    /// controller, runs its filters and binds the model, with the attribute's rules unchanged; a miss runs MVC once and is
    /// stored. Optional: without it <c>[CachePage]</c> caches in its filter. Call it after <c>UseRouting</c>,
    /// <c>UseAuthentication</c> and <c>UseAuthorization</c>, last before the endpoints (middleware after it does not run on
    /// a hit). Where it cannot vouch for authorization (placed before <c>UseAuthorization</c>, or an endpoint with an MVC
    /// authorization filter) it leaves the request to the filter and logs why, once per endpoint.
    /// Needs <c>AddFragmentCache</c> and <c>AddFragmentCacheMvc</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseCachePage(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<CachePageMiddleware>();
    }
}
