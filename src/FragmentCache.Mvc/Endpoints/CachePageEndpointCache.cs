using System.Runtime.ExceptionServices;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Endpoints;

/// <summary>
/// What <c>.CachePage(...)</c> puts around a minimal-API endpoint's request delegate: the counterpart of
/// <see cref="CachePageFilter"/> for endpoints outside MVC. It wraps parameter binding, the handler and the result, so a
/// hit skips all three; with <c>app.UseCachePage()</c> the middleware serves and stores the page, and this steps aside.
/// </summary>
internal sealed class CachePageEndpointCache(RequestDelegate inner)
{
    private CachePageMetadata? _metadata;
    private PagePolicy? _policy;

    public Task InvokeAsync(HttpContext context)
    {
        // The endpoint's final metadata decides (an endpoint's own call over its group's); only known once it is built.
        var metadata = _metadata ??= context.GetEndpoint()?.Metadata.GetMetadata<CachePageMetadata>();
        if (metadata is null)
        {
            return inner(context);
        }

        if (context.Features.Get<CachePageFeature>() is { } upstream && upstream.Reached(context))
        {
            return inner(context);
        }

        // Resolved once (options are read once too), so the page cache can tell the same policy by reference.
        var policy = _policy ??= metadata.Resolve(
            context.RequestServices.GetRequiredService<IOptions<FragmentCacheMvcOptions>>().Value,
            context.RequestServices.GetRequiredService<IOptions<PageCacheOptions>>().Value,
            context.GetEndpoint()?.DisplayName);
        return CacheAsync(context, policy);
    }

    private async Task CacheAsync(HttpContext context, PagePolicy policy)
    {
        // The endpoint behind as a static delegate of this wrapper: a hit allocates no closure.
        await PageCacheHandlers.For(context.RequestServices, null, policy.Store)
            .HandleAsync(context, policy, this, static (self, http) => ((CachePageEndpointCache)self!).RunInnerAsync(http))
            .ConfigureAwait(false);
        context.Features.Get<EndpointFailure>()?.Failure.Throw();
    }

    private async Task<PageVerdict> RunInnerAsync(HttpContext context)
    {
        try
        {
            await inner(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nothing of a failed response is stored or written; the exception reaches the error handling unchanged.
            context.Features.Set(new EndpointFailure(ExceptionDispatchInfo.Capture(ex)));
            return PageVerdict.Failed;
        }

        return PageVerdict.Storable;
    }

    /// <summary>The endpoint's exception, kept for <see cref="CacheAsync"/> to rethrow once the page cache is done.</summary>
    private sealed record EndpointFailure(ExceptionDispatchInfo Failure);
}
