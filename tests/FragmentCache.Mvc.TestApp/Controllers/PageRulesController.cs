using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Pages whose responses exercise the page cache's storage and replay rules.</summary>
[CachePage(Duration = 60)]
public sealed class PageRulesController(RenderCounter counter) : Controller
{
    /// <summary>One page of the controller.</summary>
    public IActionResult First() => Content("first " + counter.Next("rules-first") + " " + Request.QueryString.Value, "text/plain");

    /// <summary>Another page of the controller.</summary>
    public IActionResult Second() => Content("second " + counter.Next("rules-second"), "text/plain");

    /// <summary>Varies by everything: never stored.</summary>
    public IActionResult VaryStar()
    {
        Response.Headers.Vary = "*";
        return Content("star " + counter.Next("rules-star"), "text/plain");
    }

    /// <summary>Varies by a header its key does not carry: never stored.</summary>
    public IActionResult VaryUnkeyed()
    {
        Response.Headers.Vary = "Accept-Language";
        return Content("unkeyed " + Request.Headers.AcceptLanguage + " " + counter.Next("rules-unkeyed"), "text/plain");
    }

    /// <summary>Varies by a header its key carries: stored, one entry per value.</summary>
    [CachePage(Duration = 60, VaryByHeaders = new[] { "Accept-Language" })]
    public IActionResult VaryKeyed()
    {
        Response.Headers.Vary = "Accept-Language";
        return Content("keyed " + Request.Headers.AcceptLanguage + " " + counter.Next("rules-keyed"), "text/plain");
    }

    /// <summary>Multi-value headers and hop-by-hop headers.</summary>
    public IActionResult Headers()
    {
        Response.Headers["X-Multi"] = new StringValues(["a", "b", "c"]);
        Response.Headers["Keep-Alive"] = "timeout=5";
        Response.Headers["Upgrade"] = "websocket";
        return Content("headers " + counter.Next("rules-headers"), "text/plain");
    }

    /// <summary>A fixed <c>Last-Modified</c>.</summary>
    public IActionResult Modified()
    {
        Response.Headers.LastModified = "Wed, 25 Nov 2026 10:00:00 GMT";
        return Content("modified " + counter.Next("rules-modified"), "text/plain");
    }
}
