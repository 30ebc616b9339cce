using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Pages with several fragments, for the per-route prefetch.</summary>
public sealed class FragmentPrefetchController : Controller
{
    /// <summary>Five fragments: two tagged <c>posts</c>, one tagged <c>comments</c>, one plain, one per user.</summary>
    public IActionResult Index() => View();

    /// <summary>Forty fragments, more than a route remembers.</summary>
    public IActionResult Many() => View();

    /// <summary>One fragment tagged <c>posts</c> before and one after the point where <c>?invalidate=1</c> invalidates that tag.</summary>
    public IActionResult Invalidating() => View();
}
