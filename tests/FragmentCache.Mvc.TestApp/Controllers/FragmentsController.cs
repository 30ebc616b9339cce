using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Views exercising every <c>&lt;memcache-fragment&gt;</c> attribute.</summary>
public sealed class FragmentsController : Controller
{
    /// <summary>One plain fragment.</summary>
    public IActionResult Index() => View();

    /// <summary>A fragment per vary dimension.</summary>
    public IActionResult Vary(int? id) => View(id ?? 0);

    /// <summary>Fragments with expiry, tags, profile, nesting, encoding, size and failure.</summary>
    public IActionResult Features() => View();

    /// <summary>A fragment that throws when the counter fails.</summary>
    public IActionResult Throwing() => View();

    /// <summary>A fragment without its required name.</summary>
    public IActionResult NoName() => View();

    /// <summary>A view digest on/off pair.</summary>
    public IActionResult Digest() => View();
}
