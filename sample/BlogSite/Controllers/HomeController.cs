using BlogSite.Services;
using Microsoft.AspNetCore.Mvc;

namespace BlogSite.Controllers;

/// <summary>The About page and the theme switch.</summary>
public sealed class HomeController : Controller
{
    /// <summary>
    /// No caching attribute: the per-site middleware (level 1) caches it for the <c>max-age</c> it declares,
    /// varying by the language and the cookies it declares in <c>Vary</c>.
    /// </summary>
    [HttpGet("/about")]
    [ResponseCache(Duration = 600, Location = ResponseCacheLocation.Any, VaryByHeader = "Accept-Language, Cookie")]
    public async Task<IActionResult> About([FromServices] BlogStatistics statistics) => View(await statistics.GetAsync(HttpContext.RequestAborted));

    /// <summary>Sets the <c>theme</c> cookie (light or dark) and goes back; the cached pages vary by it.</summary>
    [HttpGet("/theme/{value}")]
    public IActionResult Theme(string value, string? returnUrl)
    {
        Response.Cookies.Append("theme", value == "dark" ? "dark" : "light", new CookieOptions
        {
            MaxAge = TimeSpan.FromDays(365),
            HttpOnly = false,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
        });
        return LocalRedirect(returnUrl is not null && Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
