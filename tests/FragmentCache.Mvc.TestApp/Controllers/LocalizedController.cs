using System.Globalization;
using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Under <c>/Localized</c>, behind request localization (en, es): pages written in the request's language.</summary>
public sealed class LocalizedController(RenderCounter counter) : Controller
{
    /// <summary>The greeting of the current UI culture.</summary>
    public static string Greeting() => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "es" ? "hola" : "hello";

    /// <summary>Cached per culture (the default).</summary>
    [CachePage(Duration = 60)]
    public IActionResult Index() => Content(Greeting() + " " + CultureInfo.CurrentUICulture.Name + " " + counter.Next("localized-index"), "text/plain");

    /// <summary>Ignores the query string: only the culture tells <c>?culture=es</c> from no query.</summary>
    [CachePage(Duration = 60, VaryByQueryKeys = new string[0])]
    public IActionResult NoQuery() => Content(Greeting() + " " + counter.Next("localized-noquery"), "text/plain");

    /// <summary>One copy for every culture, on purpose.</summary>
    [CachePage(Duration = 60, VaryByCulture = false)]
    public IActionResult Shared() => Content(Greeting() + " " + counter.Next("localized-shared"), "text/plain");
}
