using System.Globalization;
using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Under <c>/LocalizedSite</c>, behind request localization and cached by the per-site middleware only.</summary>
public sealed class LocalizedSiteController(RenderCounter counter) : Controller
{
    /// <summary>The greeting of the current UI culture.</summary>
    public IActionResult Index() => Content(LocalizedController.Greeting() + " " + CultureInfo.CurrentUICulture.Name + " " + counter.Next("localized-site"), "text/plain");
}
