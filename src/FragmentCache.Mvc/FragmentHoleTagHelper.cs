using FragmentCache.Mvc.Holes;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc;

/// <summary>
/// <c>&lt;fragment-hole component="UserMenu" args="@(new { postId = Model.Id })" /&gt;</c>: a per-request part of a cached
/// fragment or page (donut caching). The view component renders for every request, hits included, with the current user,
/// culture, antiforgery token and cookies; the markup around it is served from the cache. The stored copy keeps the
/// component's name and arguments beside the markup, never in it, so no content can turn into a hole.
/// </summary>
/// <remarks>
/// Arguments are simple values (string, numbers, bool, char, <see cref="Guid"/>, <see cref="DateTime"/>,
/// <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/>, enums): pass an id and load the rest in the component. An unknown
/// component or an argument of another type fails the render, naming the hole. Outside a cached fragment or page, the hole
/// renders its component as <c>&lt;vc:...&gt;</c> would.
/// </remarks>
[HtmlTargetElement("fragment-hole", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FragmentHoleTagHelper : TagHelper
{
    /// <summary>The view component that renders the hole (required), by name as <c>Component.InvokeAsync</c> takes it.</summary>
    [HtmlAttributeName("component")]
    public string? Component { get; set; }

    /// <summary>The component's arguments: an anonymous object or a dictionary of simple values. The default is none.</summary>
    [HtmlAttributeName("args")]
    public object? Args { get; set; }

    /// <summary>The view being rendered (set by Razor).</summary>
    [HtmlAttributeNotBound]
    [ViewContext]
    public ViewContext ViewContext { get; set; } = default!;

    /// <inheritdoc/>
    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.TagName = null;
        var holes = ViewContext.HttpContext.RequestServices.GetRequiredService<HoleRenderer>();
        var hole = holes.Describe(Component, Args);
        output.Content.SetHtmlContent(await holes.RenderAsync(hole, ViewContext).ConfigureAwait(false));
    }
}
