using FragmentCache.Mvc.Pages;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds per-site page caching to the pipeline.</summary>
public static class FragmentCachePagesApplicationBuilderExtensions
{
    /// <summary>
    /// Caches every eligible GET/HEAD response (Django's per-site cache), honouring the response's own
    /// <c>Cache-Control</c> (<c>max-age</c>, <c>s-maxage</c>, <c>private</c>, <c>no-store</c>, <c>no-cache</c>) and
    /// <c>Vary</c>. Place it after authentication (it never caches signed-in users) and before the endpoints.
    /// Needs <c>AddFragmentCache</c> and <c>AddFragmentCacheMvc</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseFragmentCachePages(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<FragmentCachePagesMiddleware>();
    }
}
