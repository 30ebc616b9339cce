using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Serves <see cref="CachePageAttribute"/> hits from the selected endpoint's metadata, before MVC creates the
/// controller, runs its filters and binds the model (what ASP.NET's <c>UseOutputCache</c> does for <c>[OutputCache]</c>).
/// A miss runs the rest of the pipeline under the same single lookup and stores what it wrote; the filter then steps
/// aside (<see cref="CachePageFeature"/>). Whatever the middleware cannot vouch for is left to the filter.
/// </summary>
internal sealed partial class CachePageMiddleware(
    RequestDelegate next,
    PageCacheHandler handler,
    IOptions<FragmentCacheMvcOptions> mvcOptions,
    IOptions<PageCacheOptions> pagesOptions,
    IServiceProvider services,
    ILogger<CachePageMiddleware> logger)
{
    /// <summary>What <c>AuthorizationMiddleware</c> puts in <c>HttpContext.Items</c> once it has authorized an endpoint (EndpointMiddleware reads it too).</summary>
    private const string AuthorizationInvokedKey = "__AuthorizationMiddlewareWithEndpointInvoked";

    private readonly ConditionalWeakTable<Endpoint, CachePageEndpoint> _endpoints = [];
    private readonly FragmentCacheMvcOptions _mvc = mvcOptions.Value;
    private readonly PageCacheOptions _pages = pagesOptions.Value;
    private readonly bool _hasFallbackPolicy = (services.GetService(typeof(IOptions<AuthorizationOptions>)) as IOptions<AuthorizationOptions>)?.Value.FallbackPolicy is not null;
    private readonly bool _hasAuthentication = services.GetService(typeof(IAuthenticationSchemeProvider)) is not null;

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return next(context);
        }

        if (!_endpoints.TryGetValue(endpoint, out var page))
        {
            page = _endpoints.GetValue(endpoint, e => CachePageEndpoint.Create(e, _mvc, _pages, services));
        }

        if (page.Policy is not { } policy)
        {
            if (page.Declined is { } reason && !page.Logged)
            {
                page.Logged = true;
                LogDeclined(logger, endpoint.DisplayName, reason);
            }

            return next(context);
        }

        if (page.CultureResolvedLater)
        {
            // Localization runs after this middleware: its key cannot name the culture, so the filter caches these pages.
            return next(context);
        }

        // Authorization is never bypassed: an endpoint that needs it is only served once the authorization middleware has
        // authorized it (UseCachePage after UseAuthorization), and the user must be known (after UseAuthentication).
        if ((page.HasAuthorizationMetadata || _hasFallbackPolicy) && !AuthorizationRan(context))
        {
            return Misplaced(context, endpoint, "UseAuthorization has not run for this endpoint");
        }

        if (_hasAuthentication && context.Features.Get<IAuthenticationFeature>() is null)
        {
            return Misplaced(context, endpoint, "UseAuthentication has not run");
        }

        return CacheAsync(context, page, policy);
    }

    /// <summary>
    /// Whether ASP.NET's authorization middleware has run for this request's endpoint. ASP.NET offers no public signal; this
    /// reads the <c>HttpContext.Items</c> key its <c>AuthorizationMiddleware</c> sets and its <c>EndpointMiddleware</c>
    /// checks (a test pins it against the framework in use).
    /// </summary>
    internal static bool AuthorizationRan(HttpContext context) => context.Items.ContainsKey(AuthorizationInvokedKey);

    private Task Misplaced(HttpContext context, Endpoint endpoint, string reason)
    {
        if (_endpoints.TryGetValue(endpoint, out var page) && !page.Logged)
        {
            page.Logged = true;
            LogMisplaced(logger, endpoint.DisplayName, reason);
        }

        return next(context);
    }

    private async Task CacheAsync(HttpContext context, CachePageEndpoint page, PagePolicy policy)
    {
        var feature = new CachePageFeature(context.User)
        {
            VaryByCulture = policy.Vary.Culture,
            Culture = policy.Vary.Culture ? PageCulture.Of(context) : null,
        };
        context.Features.Set(feature);
        // The pipeline behind as a static delegate of this middleware (its state in the feature): a hit allocates no closure.
        await PageCacheHandlers.For(services, handler, policy.Store)
            .HandleAsync(context, policy, this, static (self, http) => ((CachePageMiddleware)self!).RunNextAsync(http))
            .ConfigureAwait(false);

        if (feature.CultureChanged)
        {
            page.CultureResolvedLater = true;
        }

        feature.Failure?.Throw();
    }

    private async Task<PageVerdict> RunNextAsync(HttpContext context)
    {
        // This middleware's own feature, taken before the pipeline runs (a page middleware further in sets its own).
        var feature = context.Features.Get<CachePageFeature>()!;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // As in the filter: the action's failure keeps the capture out of the store and out of the response,
            // and reaches the framework's error handling unchanged (CacheAsync).
            feature.Failure = ExceptionDispatchInfo.Capture(ex);
            return PageVerdict.Failed;
        }

        // Only what the filter would have stored: a response the action produced (not one a middleware or an earlier
        // filter answered with), for the user the key was built from.
        return feature.NotStoredReason is { } reason ? PageVerdict.Refused(reason) : PageVerdict.Storable;
    }

    [LoggerMessage(104, LogLevel.Information, "FragmentCache pages: UseCachePage leaves {Endpoint} to the [CachePage] filter: {Reason}.", EventName = "CachePageEndpointDeclined")]
    private static partial void LogDeclined(ILogger logger, string? endpoint, string reason);

    [LoggerMessage(105, LogLevel.Warning, "FragmentCache pages: UseCachePage leaves {Endpoint} to the [CachePage] filter because {Reason}; call it after UseAuthentication and UseAuthorization.", EventName = "CachePageMisplaced")]
    private static partial void LogMisplaced(ILogger logger, string? endpoint, string reason);
}
