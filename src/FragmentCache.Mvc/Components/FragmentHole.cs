using FragmentCache.Mvc.Holes;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace FragmentCache.Mvc;

/// <summary>
/// <c>&lt;FragmentHole Component="typeof(UserMenu)" Parameters="..." /&gt;</c>: a hole in a <see cref="MemcacheFragment"/>.
/// The fragment caches the markup around it and, for the hole, only the component type and its parameters; the component
/// renders fresh for every request, hit or miss, in the live render tree (the current user, cascading values, antiforgery).
/// Parameters take simple values (string, numbers, bool, char, <see cref="Guid"/>, <see cref="DateTime"/>,
/// <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/>, enums, null): pass an id and load the rest in the component. A
/// missing or non-component type, or any other value, fails the render with a message naming the hole, inside a fragment
/// or not. Outside a <see cref="MemcacheFragment"/> (or in one that is not <see cref="MemcacheFragment.Enabled"/>) it
/// renders its component as <see cref="DynamicComponent"/> would.
/// </summary>
public sealed class FragmentHole : ComponentBase
{
    private string? _placeholder;

    /// <summary>The Razor component that fills the hole (required). The default is none.</summary>
    [Parameter]
    [EditorRequired]
    public Type? Component { get; set; }

    /// <summary>The component's parameters by name, simple values only. The default <see langword="null"/> passes none.</summary>
    [Parameter]
    public IDictionary<string, object?>? Parameters { get; set; }

    /// <summary>The capture of an enclosing <see cref="MemcacheFragment"/> that is recording its child content.</summary>
    [CascadingParameter]
    private HoleRecorder? Recorder { get; set; }

    /// <inheritdoc/>
    protected override void OnParametersSet()
    {
        var type = Component
            ?? throw new InvalidOperationException("<FragmentHole> needs a Component parameter naming a Razor component: <FragmentHole Component=\"typeof(UserMenu)\" />.");
        var label = RazorComponentHoles.Label(type);
        if (!RazorComponentHoles.IsComponent(type))
        {
            throw new InvalidOperationException($"{label}: {type.FullName} is not a Razor component (a concrete type implementing IComponent).");
        }

        var arguments = HoleArguments.From(Parameters, label);
        if (Recorder is not null)
        {
            RazorComponentHoles.Remember(type);
            _placeholder = Recorder.Add(new Hole(HoleKind.RazorComponent, type.AssemblyQualifiedName!, arguments));
        }
        else
        {
            _placeholder = null;
        }
    }

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (_placeholder is not null)
        {
            // Recording: the enclosing fragment cuts the markup here and renders the component in the live tree.
            builder.AddMarkupContent(0, _placeholder);
            return;
        }

        builder.OpenComponent(1, Component!);
        if (Parameters is not null)
        {
            foreach (var (name, value) in Parameters)
            {
                builder.AddComponentParameter(2, name, value);
            }
        }

        builder.CloseComponent();
    }
}
