using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Built-in <c>[OutputCache]</c>, stored through FragmentCache.</summary>
public sealed class OutputController(RenderCounter counter) : Controller
{
    /// <summary>Cached by the built-in middleware with the tag <c>oc</c>.</summary>
    [OutputCache(Duration = 60, Tags = new[] { "oc" })]
    public IActionResult Index() => Content("output " + counter.Next("output"), "text/plain");
}
