using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace FragmentCache.Mvc;

/// <summary>
/// Renders a <see cref="RenderFragment"/> on its own, so <see cref="MemcacheFragment"/> can turn its child content into HTML;
/// with a <see cref="Recorder"/>, cascades it to the content so each <see cref="FragmentHole"/> records itself there.
/// </summary>
internal sealed class FragmentContentHost : ComponentBase
{
    /// <summary>The content to render.</summary>
    [Parameter]
    public RenderFragment? Content { get; set; }

    /// <summary>The capture the content's holes record themselves in; <see langword="null"/> for none.</summary>
    [Parameter]
    public HoleRecorder? Recorder { get; set; }

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Recorder is null)
        {
            builder.AddContent(0, Content);
            return;
        }

        builder.OpenComponent<CascadingValue<HoleRecorder>>(1);
        builder.AddComponentParameter(2, nameof(CascadingValue<>.Value), Recorder);
        builder.AddComponentParameter(3, nameof(CascadingValue<>.IsFixed), true);
        builder.AddComponentParameter(4, nameof(CascadingValue<>.ChildContent), Content);
        builder.CloseComponent();
    }
}
