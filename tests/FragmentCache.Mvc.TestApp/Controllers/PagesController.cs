using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Actions exercising <see cref="CachePageAttribute"/> and its safety rules.</summary>
[CachePage(Duration = 60, Tags = new[] { "controller-tag" })]
public sealed class PagesController(RenderCounter counter, PageGate gate) : Controller
{
    /// <summary>Cached by the controller's attribute.</summary>
    public IActionResult Index() => Content("index " + counter.Next("pages-index") + " " + Request.QueryString.Value, "text/plain");

    /// <summary>The action's attribute wins over the controller's.</summary>
    [CachePage(Duration = 30, Tags = new[] { "action-tag" })]
    public IActionResult Tagged() => Content("tagged " + counter.Next("pages-tagged"), "text/plain");

    /// <summary>Varies by the query key <c>a</c> only.</summary>
    [CachePage(VaryByQueryKeys = new[] { "a" })]
    public IActionResult QueryA() => Content("query " + counter.Next("pages-query"), "text/plain");

    /// <summary>Settings from the "sidebar" profile.</summary>
    [CachePage(Profile = "sidebar")]
    public IActionResult Profiled() => Content("profiled " + counter.Next("pages-profiled"), "text/plain");

    /// <summary>Varies by a header and a cookie.</summary>
    [CachePage(VaryByHeaders = new[] { "Accept-Language" }, VaryByCookies = new[] { "theme" })]
    public IActionResult Headers() => Content("headers " + counter.Next("pages-headers"), "text/plain");

    /// <summary>Cached per user.</summary>
    [CachePage(VaryByUser = true)]
    public IActionResult ByUser() => Content("user " + User.Identity?.Name + " " + counter.Next("pages-user"), "text/plain");

    /// <summary>Varies by the "channel" profile's callback value (a cookie normalised to "beta" or "stable").</summary>
    [CachePage(Profile = "channel")]
    public IActionResult Channel() => Content("[channel:" + (Request.Cookies["channel"] == "beta" ? "beta" : "stable") + ":" + counter.Next("pages-channel") + "]", "text/plain");

    /// <summary>Varies by the "tenant" profile's callback value (a claim); signed-in requests are not cached (the key does not carry the user).</summary>
    [CachePage(Profile = "tenant")]
    public IActionResult Tenant() => Content("[tenant:" + (User.FindFirst("tenant")?.Value ?? "none") + ":" + counter.Next("pages-tenant") + "]", "text/plain");

    /// <summary>Varies by the "by-id" profile's route value <c>id</c>, which the (case-insensitive) URL alone does not tell apart.</summary>
    [CachePage(Profile = "by-id")]
    public IActionResult Routed(string id) => Content("[routed:" + id + ":" + counter.Next("pages-routed") + "]", "text/plain");

    /// <summary>Writes the request's host into the page: the kind of output a Host-header poisoning attack targets.</summary>
    public IActionResult Host() => Content("<a href=\"https://" + Request.Host.Value + "/login\">login</a> " + counter.Next("pages-host"), "text/html");

    /// <summary>Sets a cookie: never stored.</summary>
    public IActionResult SetCookie()
    {
        Response.Cookies.Append("session", "s" + counter.Next("pages-cookie"));
        return Content("cookie", "text/plain");
    }

    /// <summary>Returns the status given.</summary>
    public IActionResult Status(int id)
    {
        counter.Next("pages-status-" + id);
        return StatusCode(id, "status");
    }

    /// <summary>An empty 404, for the application's status-code pages (configured under this path) to fill.</summary>
    public IActionResult Missing()
    {
        counter.Next("pages-missing");
        return NotFound();
    }

    /// <summary>Marks itself private.</summary>
    public IActionResult Private()
    {
        Response.Headers.CacheControl = "private";
        return Content("private " + counter.Next("pages-private"), "text/plain");
    }

    /// <summary>Marks itself no-store.</summary>
    public IActionResult NoStore()
    {
        Response.Headers.CacheControl = "no-store";
        return Content("nostore " + counter.Next("pages-nostore"), "text/plain");
    }

    /// <summary>A body of <paramref name="id"/> bytes.</summary>
    public IActionResult Big(int id)
    {
        counter.Next("pages-big");
        return Content(new string('x', id), "text/plain");
    }

    /// <summary>Never cached: POST.</summary>
    [HttpPost]
    public IActionResult Post() => Content("post " + counter.Next("pages-post"), "text/plain");

    /// <summary>Waits for the test's gate, so concurrent misses can be counted.</summary>
    public async Task<IActionResult> Slow()
    {
        counter.Next("pages-slow");
        await gate.Release.Task;
        return Content("slow", "text/plain");
    }

    /// <summary>Throws: nothing is cached.</summary>
    public IActionResult Throws()
    {
        counter.Next("pages-throws");
        counter.ThrowIfFailing();
        return Content("ok", "text/plain");
    }
}
