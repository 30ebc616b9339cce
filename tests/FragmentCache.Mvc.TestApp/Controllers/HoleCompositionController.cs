using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Holes in <c>&lt;memcache-fragment&gt;</c>s inside pages cached whole: the layers compose.</summary>
public sealed class HoleCompositionController(RenderCounter counter) : Controller
{
    /// <summary>A page shared by anonymous and signed-in visitors, holding a fragment with a name hole and a form hole.</summary>
    [CachePage(Duration = 60, AllowSignedIn = true)]
    public IActionResult Page()
    {
        counter.Next("composition-action");
        return View();
    }

    /// <summary>The same view without page caching: fills the fragment's entry before the page is first captured.</summary>
    public IActionResult Warm()
    {
        counter.Next("composition-warm");
        return View("Page");
    }

    /// <summary>A page holding a fragment, holding a fragment, holding a hole.</summary>
    [CachePage(Duration = 60, AllowSignedIn = true)]
    public IActionResult Nested()
    {
        counter.Next("composition-nested-action");
        return View();
    }

    /// <summary>A page holding a fragment whose hole sets a cookie of its own.</summary>
    [CachePage(Duration = 60)]
    public IActionResult Cookie() => View();

    /// <summary>The same view without page caching.</summary>
    public IActionResult CookieWarm() => View("Cookie");
}
