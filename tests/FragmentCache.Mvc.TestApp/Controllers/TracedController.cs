using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Pages whose lookups the OpenTelemetry tests trace: a cached page of two fragments, and fragments without a page cache.</summary>
public sealed class TracedController : Controller
{
    /// <summary>A cached page whose view renders two fragments.</summary>
    [CachePage(Duration = 60)]
    public IActionResult Page() => View();

    /// <summary>One fragment on the main store and one on the named store <c>shared</c>, no page cache.</summary>
    public IActionResult Fragments() => View();
}
