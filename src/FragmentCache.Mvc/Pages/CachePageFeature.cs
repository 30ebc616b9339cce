using System.Security.Claims;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Set by <see cref="CachePageMiddleware"/> on a request it caches: <see cref="CachePageFilter"/> then steps aside (no
/// second store lookup, no second capture) and only checks that nothing after the middleware changed the user.
/// </summary>
internal sealed class CachePageFeature(ClaimsPrincipal user)
{
    /// <summary>The user the middleware built the key from.</summary>
    public ClaimsPrincipal User { get; } = user;

    /// <summary>The <c>[CachePage]</c> filter was reached: the response comes from the action, not from something before it.</summary>
    public bool FilterReached { get; set; }

    /// <summary>Whether the middleware's key carries the culture (the policy's <c>VaryByCulture</c>).</summary>
    public bool VaryByCulture { get; init; }

    /// <summary>The culture the middleware built the key from; <see langword="null"/> when localization had not run.</summary>
    public Microsoft.AspNetCore.Localization.RequestCulture? Culture { get; init; }

    /// <summary>The filter found another culture than <see cref="Culture"/> and cached the page itself.</summary>
    public bool CultureChanged { get; set; }

    /// <summary>Something between the middleware and MVC replaced <c>HttpContext.User</c>: the response must not be stored.</summary>
    public bool UserChanged { get; set; }

    /// <summary>The exception the pipeline behind the middleware threw, rethrown by the middleware once the page cache is done.</summary>
    public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Failure { get; set; }

    /// <summary>
    /// Why the middleware must not store the response, read once the pipeline has run: it was answered before the filter
    /// (by a middleware or an earlier filter), or for another user than the key's; <see langword="null"/> to store it.
    /// </summary>
    public string? NotStoredReason =>
        !FilterReached ? "answered before the [CachePage] filter"
        : UserChanged ? "HttpContext.User changed after UseCachePage"
        : null;

    /// <summary>
    /// Records that the code the middleware caches for was reached with <paramref name="context"/>'s user and culture.
    /// Returns whether the middleware's key still holds (step aside); <see langword="false"/> when the culture was resolved
    /// after it (then <see cref="CultureChanged"/> is set and the caller caches under its own key).
    /// </summary>
    public bool Reached(Microsoft.AspNetCore.Http.HttpContext context)
    {
        FilterReached = true;
        if (!ReferenceEquals(User, context.User))
        {
            UserChanged = true;
        }

        if (!VaryByCulture || PageCulture.SameAs(Culture, PageCulture.Of(context)))
        {
            return true;
        }

        CultureChanged = true;
        return false;
    }
}
