using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.WebBench.ViewComponents;

/// <summary>
/// A light hole: a greeting with a value of this request (its trace id), so the runner can tell that the hole rendered
/// for each response.
/// </summary>
public sealed class HoleUserViewComponent : ViewComponent
{
    public IViewComponentResult Invoke() => View("Default", HttpContext.TraceIdentifier);
}

/// <summary>A form hole: a post form with its antiforgery token, as a comment form has.</summary>
public sealed class HoleFormViewComponent : ViewComponent
{
    public IViewComponentResult Invoke(int postId) => View("Default", postId.ToString(CultureInfo.InvariantCulture));
}
