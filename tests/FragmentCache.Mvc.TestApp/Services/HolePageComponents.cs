using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>The visitor's name and a form with its antiforgery token (a hole): rendered for every request.</summary>
public sealed class HolePageUserViewComponent(RenderCounter counter) : ViewComponent
{
    /// <summary>Renders the view.</summary>
    public IViewComponentResult Invoke(string? greeting = null)
    {
        ViewData["Count"] = counter.Next("holepage-hole");
        ViewData["Greeting"] = greeting ?? "Hello";
        return View();
    }
}

/// <summary>The second release's greeting, replacing <see cref="HolePageUserViewComponent"/>.</summary>
public sealed class HolePageGreetingViewComponent : ViewComponent
{
    /// <summary>Renders the greeting.</summary>
    public IViewComponentResult Invoke() => Content("greeting of the second release");
}

/// <summary>Sets a cookie of its own and prints a count.</summary>
public sealed class HolePageCookieViewComponent(RenderCounter counter) : ViewComponent
{
    /// <summary>Sets the cookie.</summary>
    public IViewComponentResult Invoke()
    {
        var n = counter.Next("holepage-hole-cookie");
        HttpContext.Response.Cookies.Append("hole", "h" + n);
        return Content("[holepage-hole-cookie:" + n + "]");
    }
}

/// <summary>Throws when the counter fails.</summary>
public sealed class HolePageThrowingViewComponent(RenderCounter counter) : ViewComponent
{
    /// <summary>Renders a count, or throws.</summary>
    public IViewComponentResult Invoke()
    {
        counter.ThrowIfFailing();
        return Content("[holepage-hole-throwing:" + counter.Next("holepage-hole-throwing") + "]");
    }
}
