using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Pages that echo their request's query and cookies, keyed by the query key <c>a</c> and the cookie <c>theme</c> only.</summary>
[CachePage(Duration = 60, VaryByQueryKeys = new[] { "a" }, VaryByCookies = new[] { "theme" })]
public sealed class UnkeyedController(RenderCounter counter) : Controller
{
    /// <summary>Writes the query string, a bound unkeyed parameter and the cookie names into the page.</summary>
    public IActionResult Index(string? b) => Content(Echo("unkeyed-index", b), "text/html");

    /// <summary>The same, keeping the unkeyed query on purpose.</summary>
    [CachePage(Duration = 60, VaryByQueryKeys = new[] { "a" }, KeepUnkeyedQuery = true)]
    public IActionResult Keep(string? b) => Content(Echo("unkeyed-keep", b), "text/html");

    private string Echo(string name, string? b) =>
        "<a href=\"/login?returnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString) + "\">sign in</a>"
        + " b=" + b + " query=" + string.Join(",", Request.Query.Keys) + " cookies=" + string.Join(",", Request.Cookies.Keys)
        + " run=" + counter.Next(name);
}
