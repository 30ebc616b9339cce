using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Fragments for invalidation by key, attribute checks, expiry checks and forms.</summary>
public sealed class FragmentRulesController : Controller
{
    /// <summary>Fragments with vary-on, with and without the view digest, one of them in a partial.</summary>
    public IActionResult Invalidate(int id) => View(id);

    /// <summary>A fragment with a misspelled attribute.</summary>
    public IActionResult Typo() => View();

    /// <summary>A fragment with a negative expires-after (<c>?sliding=true</c>: a negative expires-sliding).</summary>
    public IActionResult Negative(bool sliding) => View(sliding);

    /// <summary>Fragments holding a form: one with <c>@Html.AntiForgeryToken()</c>, one with the form tag helper.</summary>
    [HttpGet]
    public IActionResult Form() => View();

    /// <summary>Fragments holding a form, after a form outside them that already issued the request's token.</summary>
    [HttpGet]
    public IActionResult FormAfterForm() => View();

    /// <summary>The form's target: passes only with a valid antiforgery cookie and token.</summary>
    [HttpPost]
    [ValidateAntiForgeryToken]
    [ActionName("Form")]
    public IActionResult FormPost() => Content("posted");

    /// <summary>A <c>&lt;MemcacheFragment&gt;</c> component rendered into an MVC view.</summary>
    public IActionResult Component(int id) => View(id);
}
