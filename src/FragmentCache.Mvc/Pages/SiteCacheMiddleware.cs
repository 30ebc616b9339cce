using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Per-site page caching (Django's <c>UpdateCacheMiddleware</c> + <c>FetchFromCacheMiddleware</c> in one):
/// every eligible GET/HEAD response is stored for its own <c>max-age</c> (else the default duration), keyed
/// by the request headers its <c>Vary</c> names, learned per URL.
/// </summary>
internal sealed class SiteCacheMiddleware(RequestDelegate next, PageCacheHandler handler, IOptions<PageCacheOptions> options)
{
    private readonly PagePolicy _policy = PagePolicy.Site(options.Value);

    public Task InvokeAsync(HttpContext context)
    {
        // An endpoint with [CachePage] is cached by its filter, with its own rules.
        if (context.GetEndpoint()?.Metadata.GetMetadata<CachePageAttribute>() is not null)
        {
            return next(context);
        }

        // The pipeline behind as a static delegate of this middleware: a hit allocates no closure.
        return handler.HandleAsync(context, _policy, this, static (self, http) => ((SiteCacheMiddleware)self!).RunNextAsync(http)).AsTask();
    }

    private async Task<PageVerdict> RunNextAsync(HttpContext context)
    {
        await next(context).ConfigureAwait(false);
        return PageVerdict.Storable;
    }
}
