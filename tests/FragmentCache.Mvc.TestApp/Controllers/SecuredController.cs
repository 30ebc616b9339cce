using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>[CachePage] behind authorization: the authorization middleware's and an MVC authorization filter's.</summary>
public sealed class SecuredController(RenderCounter counter) : Controller
{
    /// <summary>Signed-in users only, one entry each.</summary>
    [Authorize]
    [CachePage(VaryByUser = true)]
    public IActionResult Mine() => Content("mine " + User.Identity?.Name + " " + counter.Next("secured-mine"), "text/plain");

    /// <summary>Guarded by the authorization middleware's "key" policy (the header <c>X-Key: open</c>; no sign-in needed).</summary>
    [Authorize(Policy = "key")]
    [CachePage]
    public IActionResult Policy() => Content("policy " + counter.Next("secured-policy"), "text/plain");

    /// <summary>Guarded by an MVC authorization filter (not endpoint metadata): the header <c>X-Key: open</c>.</summary>
    [KeyRequired]
    [CachePage]
    public IActionResult Keyed() => Content("keyed " + counter.Next("secured-keyed"), "text/plain");

    /// <summary>The same guard through a type filter.</summary>
    [TypeFilter(typeof(KeyRequiredAttribute))]
    [CachePage]
    public IActionResult TypeKeyed() => Content("typekeyed " + counter.Next("secured-typekeyed"), "text/plain");

    /// <summary>Rejects requests without <c>X-Key: open</c> with 403.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class KeyRequiredAttribute : Attribute, IAuthorizationFilter
    {
        /// <inheritdoc/>
        public void OnAuthorization(AuthorizationFilterContext context)
        {
            if (context.HttpContext.Request.Headers["X-Key"] != "open")
            {
                context.Result = new StatusCodeResult(403);
            }
        }
    }
}
