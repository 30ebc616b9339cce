using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Gives a Razor Page's <see cref="CachePageAttribute"/> (on its page model) the page's own copy of its settings, which keeps
/// the handler's name (<c>?handler=</c>) in the key and in the request whatever the page's query keys: every GET handler has
/// its own entries, and the unkeyed-input rule never changes which handler runs.
/// </summary>
internal sealed class CachePagePageConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        for (var i = 0; i < model.Filters.Count; i++)
        {
            if (model.Filters[i] is CachePageAttribute { KeysPageHandler: false } attribute)
            {
                model.Filters[i] = attribute.ForRazorPage();
            }
        }
    }
}
