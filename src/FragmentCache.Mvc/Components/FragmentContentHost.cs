using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace FragmentCache.Mvc;

/// <summary>Renders a <see cref="RenderFragment"/> on its own, so <see cref="MemcacheFragment"/> can turn its child content into HTML.</summary>
internal sealed class FragmentContentHost : ComponentBase
{
    /// <summary>The content to render.</summary>
    [Parameter]
    public RenderFragment? Content { get; set; }

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddContent(0, Content);
    }
}
