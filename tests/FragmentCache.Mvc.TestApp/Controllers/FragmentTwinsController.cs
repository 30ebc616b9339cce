using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>One fragment written twice, as the tag and as the component, and fragments varying by a value of the application's own.</summary>
public sealed class FragmentTwinsController : Controller
{
    /// <summary>The fragment as <c>&lt;memcache-fragment&gt;</c>.</summary>
    public IActionResult Tag() => View();

    /// <summary>The same fragment as <c>&lt;MemcacheFragment&gt;</c>.</summary>
    public IActionResult Component() => View();

    /// <summary>A component fragment with and without the digest of its component.</summary>
    public IActionResult Digest() => View();

    /// <summary>Fragments of the <c>tenant</c> profile, which varies by the signed-in user's <c>tenant</c> claim.</summary>
    public IActionResult Tenant() => View();
}
