using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FragmentCache.Mvc.TestApp.Pages.Razor;

/// <summary>Varies by the query key <c>a</c> only: the handler's name (<c>?handler=</c>) still picks the handler and its entry.</summary>
[CachePage(VaryByQueryKeys = new[] { "a" })]
public sealed class KeyedModel(RenderCounter counter) : PageModel
{
    /// <summary>What the page prints.</summary>
    public string Text { get; private set; } = "";

    /// <summary>The default GET handler.</summary>
    public void OnGet() => Text = "keyed get " + counter.Next("razor-keyed") + " " + Request.QueryString.Value;

    /// <summary>A named GET handler (<c>?handler=other</c>).</summary>
    public void OnGetOther() => Text = "keyed other " + counter.Next("razor-keyed-other") + " " + Request.QueryString.Value;
}
