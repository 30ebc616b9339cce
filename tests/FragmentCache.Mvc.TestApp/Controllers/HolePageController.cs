using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Whole cached pages with holes: per-user parts rendered for every request, the rest served from the cache.</summary>
public sealed class HolePageController(RenderCounter counter) : Controller
{
    /// <summary>One entry shared by anonymous and signed-in visitors; the user's name and form are a hole.</summary>
    [CachePage(Duration = 60, AllowSignedIn = true)]
    public IActionResult Index()
    {
        counter.Next("holepage-action");
        return View();
    }

    /// <summary>The same page without <see cref="CachePageAttribute.AllowSignedIn"/>: signed-in users are not served from the cache.</summary>
    [CachePage(Duration = 60)]
    public IActionResult Anonymous()
    {
        counter.Next("holepage-anonymous");
        return View("Index");
    }

    /// <summary>A page with a hole that also sets a cookie outside any hole: never stored.</summary>
    [CachePage(Duration = 60)]
    public IActionResult CookieOutside()
    {
        counter.Next("holepage-cookie-outside");
        Response.Cookies.Append("outside", "1");
        return View("Index");
    }

    /// <summary>A page with a hole that sets a cookie of its own (the hole's, so the page is stored).</summary>
    [CachePage(Duration = 60)]
    public IActionResult CookieInHole()
    {
        counter.Next("holepage-cookie-hole");
        return View();
    }

    /// <summary>A page whose hole throws when the counter fails.</summary>
    [CachePage(Duration = 60)]
    public IActionResult Throwing()
    {
        counter.Next("holepage-throwing");
        return View();
    }

    /// <summary>A page whose hole is a component a later release removes (<see cref="HolePageRelease"/>).</summary>
    [CachePage(Duration = 60)]
    public IActionResult Released()
    {
        counter.Next("holepage-released");
        return View();
    }

    /// <summary>A page holding a <c>&lt;memcache-fragment&gt;</c> with a hole.</summary>
    [CachePage(Duration = 60)]
    public IActionResult Inserted()
    {
        counter.Next("holepage-inserted");
        return View();
    }

    /// <summary>Cached by the per-site cache (under <c>/site</c>), with a hole.</summary>
    [HttpGet("/site/holepage")]
    public IActionResult Site()
    {
        counter.Next("holepage-site");
        return View("Index");
    }

    /// <summary>Takes the hole's form: the antiforgery token must validate.</summary>
    [HttpPost]
    [ValidateAntiForgeryToken]
    public IActionResult Post() => Content("posted by " + (User.Identity?.Name ?? "anonymous"), "text/plain");
}
