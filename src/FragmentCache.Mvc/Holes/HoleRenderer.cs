using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using Microsoft.AspNetCore.Mvc.ViewEngines;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Holes;

/// <summary>
/// Renders a view-component hole for the current request: on the render that fills the cache and on every hit. The
/// render runs inside a <see cref="HoleScope"/>, so the cookies and caching headers it sets stay this response's own.
/// </summary>
/// <remarks>
/// MVC's services are resolved on first use, not by the constructor: an app without MVC (Razor components only)
/// registers this too, and a container that validates on build must still build.
/// </remarks>
internal sealed class HoleRenderer(IServiceProvider services)
{
    /// <summary>
    /// The action a replayed page's holes render under: none ran, so an empty one, shared (read only, as MVC shares its
    /// own descriptors across requests); a new one per hit would cost a <see cref="Guid"/> string and two dictionaries.
    /// </summary>
    private static readonly ActionDescriptor ReplayAction = new();

    private IViewComponentSelector Selector => field ??= services.GetRequiredService<IViewComponentSelector>();

    private IModelMetadataProvider Metadata => field ??= services.GetRequiredService<IModelMetadataProvider>();

    /// <summary>Whether the hole's component exists in this build of the app.</summary>
    public bool Exists(Hole hole) => hole.Kind == HoleKind.ViewComponent && Selector.SelectComponent(hole.Component) is not null;

    /// <summary>The hole for <paramref name="component"/> and <paramref name="arguments"/>; throws, naming it, for an unknown component or arguments that cannot be stored.</summary>
    public Hole Describe(string? component, object? arguments)
    {
        if (string.IsNullOrWhiteSpace(component))
        {
            throw new InvalidOperationException("<fragment-hole> needs a component attribute naming a view component: <fragment-hole component=\"UserMenu\" />.");
        }

        var hole = new Hole(HoleKind.ViewComponent, component, []);
        if (!Exists(hole))
        {
            throw new InvalidOperationException($"{hole.Label}: there is no view component named '{component}'.");
        }

        return hole with { Arguments = HoleArguments.From(arguments, hole.Label) };
    }

    /// <summary>Renders <paramref name="hole"/> in <paramref name="viewContext"/> (a view's, or <see cref="CreateViewContext"/>'s).</summary>
    public async Task<HoleContent> RenderAsync(Hole hole, ViewContext viewContext)
    {
        var http = viewContext.HttpContext;
        var helper = http.RequestServices.GetRequiredService<IViewComponentHelper>();
        ((IViewContextAware)helper).Contextualize(viewContext);
        IHtmlContent html;
        using (HoleScope.Enter(http))
        {
            html = await helper.InvokeAsync(hole.Component, hole.ArgumentDictionary()).ConfigureAwait(false);
        }

        return new HoleContent(hole, html, http.Features.Get<IHoleSink>());
    }

    /// <summary>A view context for rendering holes outside any view (a page replayed from the cache).</summary>
    public ViewContext CreateViewContext(HttpContext http)
    {
        var actionContext = new ActionContext(http, http.GetRouteData(), ReplayAction);
        var tempData = http.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(http);
        return new ViewContext(
            actionContext,
            HoleView.Instance,
            new ViewDataDictionary(Metadata, new ModelStateDictionary()),
            tempData,
            TextWriter.Null,
            new HtmlHelperOptions());
    }

    /// <summary>The view a replayed page's holes render under: there is none, so it renders nothing.</summary>
    private sealed class HoleView : IView
    {
        public static readonly HoleView Instance = new();

        public string Path => "";

        public Task RenderAsync(ViewContext context) => Task.CompletedTask;
    }
}
