using Microsoft.AspNetCore.Mvc;

namespace BlogSite.Controllers;

/// <summary>
/// The page for an error status (a 404 above all), in the site's layout and language. <c>Program.cs</c> re-executes
/// every bodiless 4xx/5xx response here; the response keeps its status code and is never stored: the page cache
/// stores only 200s, and the page says <c>no-store</c> to the per-site middleware and to browsers.
/// </summary>
public sealed class ErrorController : Controller
{
    /// <summary>The page for <paramref name="code"/> (any 4xx or 5xx; anything else shows as a 404).</summary>
    [Route("/error/{code:int}")]
    public IActionResult Status(int code) => Page(this, code is >= 400 and <= 599 ? code : StatusCodes.Status404NotFound);

    /// <summary>The exception handler's page (outside Development).</summary>
    [Route("/error")]
    public IActionResult Exception() => Page(this, StatusCodes.Status500InternalServerError);

    /// <summary>
    /// The error page with <paramref name="status"/>, for an action to return itself. A <c>[CachePage]</c> action
    /// does so: the page cache answers a miss with the body it captured (and a Content-Length), so a bodiless 404 of
    /// such an action would reach the status-code re-execution with a length already set and stay empty.
    /// </summary>
    public static ViewResult Page(Controller controller, int status)
    {
        ArgumentNullException.ThrowIfNull(controller);
        controller.Response.Headers.CacheControl = "no-store";
        var view = controller.View("ErrorPage", status);
        view.StatusCode = status;
        return view;
    }
}
