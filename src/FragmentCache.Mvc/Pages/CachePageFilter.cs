using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// The resource filter behind <see cref="CachePageAttribute"/>: it wraps model binding, the action and the
/// result, so a hit skips all three. Created by the attribute; not registered directly. With <c>app.UseCachePage()</c>
/// the middleware serves and stores the page before MVC, and this filter steps aside.
/// </summary>
internal sealed class CachePageFilter : IAsyncResourceFilter
{
    private readonly CachePageAttribute _attribute;
    private readonly FragmentCacheMvcOptions _mvc;
    private readonly PageCacheOptions _pages;
    private PagePolicy? _policy;

    /// <summary>Creates the filter for one attribute.</summary>
    /// <param name="attribute">The attribute's settings.</param>
    /// <param name="mvcOptions">Profiles.</param>
    /// <param name="pagesOptions">Default duration and limits.</param>
    public CachePageFilter(CachePageAttribute attribute, IOptions<FragmentCacheMvcOptions> mvcOptions, IOptions<PageCacheOptions> pagesOptions)
    {
        ArgumentNullException.ThrowIfNull(mvcOptions);
        ArgumentNullException.ThrowIfNull(pagesOptions);
        _attribute = attribute;
        _mvc = mvcOptions.Value;
        _pages = pagesOptions.Value;
    }

    /// <inheritdoc/>
    public Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        // app.UseCachePage() already looked this request up and captures what MVC writes: no second lookup here.
        if (context.HttpContext.Features.Get<CachePageFeature>() is { } upstream)
        {
            upstream.FilterReached = true;
            if (!ReferenceEquals(upstream.User, context.HttpContext.User))
            {
                upstream.UserChanged = true;
            }

            if (!upstream.VaryByCulture || PageCulture.SameAs(upstream.Culture, PageCulture.Of(context.HttpContext)))
            {
                return next();
            }

            // The culture was resolved after the middleware built its key (UseRequestLocalization placed after it): that
            // key cannot tell languages apart, so the middleware stores nothing and this filter caches under its own key.
            upstream.CultureChanged = true;
        }

        // The most specific attribute (the action's, listed after the controller's) decides; the others step aside.
        CachePageFilter? effective = null;
        foreach (var filter in context.Filters)
        {
            if (filter is CachePageFilter candidate)
            {
                effective = candidate;
            }
        }

        if (!ReferenceEquals(effective, this))
        {
            return next();
        }

        // From the request's services: a reusable filter outlives the scope it was created in.
        // Resolved once per filter (the options are read once too), so the page cache can tell the same policy by reference.
        var policy = _policy ??= PagePolicy.Resolve(_attribute, _mvc, _pages);
        var handler = PageCacheHandlers.For(context.HttpContext.RequestServices, null, policy.Store);
        // MVC's delegate is the state of a static one: a hit allocates no closure.
        return handler.HandleAsync(context.HttpContext, policy, next, static (state, _) => RunActionAsync((ResourceExecutionDelegate)state!)).AsTask();
    }

    private static async Task<PageVerdict> RunActionAsync(ResourceExecutionDelegate next)
    {
        var executed = await next().ConfigureAwait(false);
        // MVC reports an unhandled exception after the filter returns; nothing of this response may be stored.
        return executed.Exception is not null && !executed.ExceptionHandled ? PageVerdict.Failed : PageVerdict.Storable;
    }
}
