using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FragmentCache.Mvc.TestApp.Pages.Razor;

/// <summary>A page model cached by its class's attribute: every GET handler, never a POST.</summary>
[CachePage(Duration = 60, Tags = new[] { "razor-tag" })]
[IgnoreAntiforgeryToken]
public sealed class CachedModel(RenderCounter counter) : PageModel
{
    /// <summary>What the page prints.</summary>
    public string Text { get; private set; } = "";

    /// <summary>The default GET handler.</summary>
    public void OnGet() => Text = "cached get " + counter.Next("razor-cached") + " " + Request.QueryString.Value;

    /// <summary>A named GET handler (<c>?handler=other</c>).</summary>
    public void OnGetOther() => Text = "cached other " + counter.Next("razor-cached-other") + " " + Request.QueryString.Value;

    /// <summary>Never cached: POST.</summary>
    public void OnPost() => Text = "cached post " + counter.Next("razor-cached-post");
}
