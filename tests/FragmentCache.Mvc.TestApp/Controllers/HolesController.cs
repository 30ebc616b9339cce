using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Fragments with holes: per-request view components inside cached markup.</summary>
public sealed class HolesController : Controller
{
    /// <summary>A fragment whose hole shows the current user's name.</summary>
    public IActionResult Greeting() => View();

    /// <summary>A fragment whose hole holds a form with an antiforgery token.</summary>
    [HttpGet]
    public IActionResult Form() => View();

    /// <summary>The hole's form target: passes only with a valid antiforgery cookie and token.</summary>
    [HttpPost]
    [ValidateAntiForgeryToken]
    [ActionName("Form")]
    public IActionResult FormPost() => Content("posted");

    /// <summary>A fragment with a form in a hole and another form outside it.</summary>
    [HttpGet]
    public IActionResult FormOutside() => View();

    /// <summary>A small fragment whose hole renders more than MaxFragmentSize.</summary>
    public IActionResult Large() => View();

    /// <summary>A fragment holding text that looks like holes (<c>?raw=</c>: base64 bytes written raw into it) beside one real hole.</summary>
    public IActionResult Markers(string? raw) => View(raw is null ? [] : Convert.FromBase64String(raw));

    /// <summary>A hole in a fragment inside another fragment.</summary>
    public IActionResult Nested() => View();

    /// <summary>A hole naming a view component that does not exist.</summary>
    public IActionResult Unknown() => View();

    /// <summary>A hole with an argument a cached entry cannot carry.</summary>
    public IActionResult BadArgs() => View();

    /// <summary>A hole that throws while <c>RenderCounter.Fail</c> is set, and one with arguments.</summary>
    public IActionResult Throwing() => View();
}
