using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>Markup a page writes as it is given (a test puts a cached fragment's output with holes here); nothing by default.</summary>
public class HolePageInsert
{
    /// <summary>The markup for <paramref name="viewContext"/>.</summary>
    public virtual Task<IHtmlContent> RenderAsync(ViewContext viewContext) => Task.FromResult<IHtmlContent>(HtmlString.Empty);
}
