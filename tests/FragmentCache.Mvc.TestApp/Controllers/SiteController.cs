using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Under <c>/site</c>, cached by the per-site middleware only.</summary>
public sealed class SiteController(RenderCounter counter, PageGate gate) : Controller
{
    /// <summary>No caching headers: the default duration.</summary>
    public IActionResult Plain() => Content("plain " + counter.Next("site-plain"), "text/plain");

    /// <summary>max-age=30.</summary>
    public IActionResult MaxAge()
    {
        Response.Headers.CacheControl = "public, max-age=30";
        return Content("maxage " + counter.Next("site-maxage"), "text/plain");
    }

    /// <summary>no-store.</summary>
    public IActionResult NoStore()
    {
        Response.Headers.CacheControl = "no-store";
        return Content("nostore " + counter.Next("site-nostore"), "text/plain");
    }

    /// <summary>Varies by Accept-Language.</summary>
    public IActionResult Vary()
    {
        Response.Headers.Vary = "Accept-Language";
        return Content("vary " + Request.Headers.AcceptLanguage + " " + counter.Next("site-vary"), "text/plain");
    }

    /// <summary>Sends its headers before the body is complete.</summary>
    public async Task Started()
    {
        counter.Next("site-started");
        await Response.StartAsync();
        await Response.WriteAsync("started");
    }

    /// <summary>Also has [CachePage]: the middleware steps aside.</summary>
    [CachePage(Duration = 60)]
    public IActionResult Attributed() => Content("attributed " + counter.Next("site-attributed"), "text/plain");

    /// <summary>Waits for the test's gate; its first run then throws, later runs answer with their run number.</summary>
    public async Task<IActionResult> HeldFailsFirst()
    {
        var run = counter.Next("site-held-fails-first");
        await gate.Release.Task;
        return run == 1 ? throw new InvalidOperationException("first render failed on purpose") : Content("held " + run, "text/plain");
    }
}
