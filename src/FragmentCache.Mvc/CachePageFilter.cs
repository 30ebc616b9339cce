using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc;

/// <summary>
/// The resource filter behind <see cref="CachePageAttribute"/>: it wraps model binding, the action and the
/// result, so a hit skips all three. Created by the attribute; not registered directly. With <c>app.UseCachePage()</c>
/// the middleware serves and stores the page before MVC, and this filter steps aside.
/// </summary>
public sealed class CachePageFilter : IAsyncResourceFilter
{
    private readonly CachePageAttribute _attribute;
    private readonly FragmentCacheMvcOptions _mvc;
    private readonly FragmentCachePagesOptions _pages;

    /// <summary>Creates the filter for one attribute.</summary>
    /// <param name="attribute">The attribute's settings.</param>
    /// <param name="mvcOptions">Profiles.</param>
    /// <param name="pagesOptions">Default duration and limits.</param>
    public CachePageFilter(CachePageAttribute attribute, IOptions<FragmentCacheMvcOptions> mvcOptions, IOptions<FragmentCachePagesOptions> pagesOptions)
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
        var policy = ResolvePolicy(_attribute, _mvc, _pages);
        var handler = PageCacheHandlers.For(context.HttpContext.RequestServices, null, policy.Store);
        return handler.HandleAsync(context.HttpContext, policy, async () =>
        {
            var executed = await next().ConfigureAwait(false);
            if (executed.Exception is not null && !executed.ExceptionHandled)
            {
                // MVC reports the exception after the filter returns; nothing of this response may be stored.
                throw new UncacheableContentException("the action failed") { ActionFailed = true };
            }
        });
    }

    /// <summary>The settings of <paramref name="attribute"/> over its profile's, over the defaults (the filter's and the middleware's rule).</summary>
    internal static PagePolicy ResolvePolicy(CachePageAttribute attribute, FragmentCacheMvcOptions mvc, FragmentCachePagesOptions pages)
    {
        CacheProfile? profile = null;
        if (!string.IsNullOrEmpty(attribute.Profile) && !mvc.Profiles.TryGetValue(attribute.Profile, out profile))
        {
            throw new InvalidOperationException($"[CachePage(Profile = \"{attribute.Profile}\")]: no such profile in FragmentCache:Mvc:Profiles.");
        }

        var duration = attribute.Duration > 0
            ? TimeSpan.FromSeconds(attribute.Duration)
            : profile?.Duration ?? pages.DefaultDuration;
        string[]? query = attribute.VaryByQueryKeys is { } keys
            ? VaryValues.Merge(keys, null)
            : profile is { Vary.QueryKeys.Count: > 0 } ? VaryValues.Merge(profile.Vary.QueryKeys, null) : null;
        return new PagePolicy(
            duration,
            VaryValues.Merge(attribute.VaryByHeaders, profile?.Vary.Headers),
            VaryValues.Merge(attribute.VaryByCookies, profile?.Vary.Cookies),
            query,
            attribute.VaryByUser || profile?.Vary.User == true,
            VaryValues.Merge(attribute.Tags, profile?.Tags),
            PerSite: false,
            VaryByCulture: attribute.VaryByCulture && pages.VaryByCulture,
            KeepUnkeyedQuery: attribute.KeepUnkeyedQuery,
            StripUnkeyedCookies: pages.StripUnkeyedCookies,
            Store: string.IsNullOrEmpty(attribute.Store) ? profile?.Store : attribute.Store);
    }
}
