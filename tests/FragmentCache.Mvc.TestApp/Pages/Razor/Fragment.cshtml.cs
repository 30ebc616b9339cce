using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FragmentCache.Mvc.TestApp.Pages.Razor;

/// <summary>A page that is not cached, holding a cached fragment.</summary>
public sealed class FragmentModel : PageModel
{
    /// <summary>Renders the page.</summary>
    public void OnGet()
    {
    }
}
