namespace FragmentCache.Mvc.Internal;

/// <summary>
/// What a compiled view or view component names in its code as things it renders, as found by
/// <see cref="RenderDependencyScanner"/>: literal partial names, view components by name or type, the view
/// names a view component passes to <c>View(...)</c>, and whether it renders display or editor templates.
/// <see cref="Unresolvable"/> is set when a call site renders something whose name is not a literal.
/// </summary>
internal sealed class RenderDependencies
{
    /// <summary>Partial names passed to <c>Html.PartialAsync</c> and friends or to <c>&lt;partial name&gt;</c>.</summary>
    public List<string> Partials { get; } = [];

    /// <summary>View component names passed to <c>Component.InvokeAsync(name)</c>, including <c>&lt;vc:*&gt;</c>.</summary>
    public List<string> ComponentNames { get; } = [];

    /// <summary>View component types passed to <c>Component.InvokeAsync(typeof(T))</c> or <c>InvokeAsync&lt;T&gt;()</c>.</summary>
    public List<Type> ComponentTypes { get; } = [];

    /// <summary>View names a view component renders (<c>View()</c> is <c>Default</c>).</summary>
    public List<string> ComponentViews { get; } = [];

    /// <summary>Whether the code calls <c>Html.Display*</c> or <c>Html.Editor*</c>, which pick templates by model type.</summary>
    public bool Templates { get; set; }

    /// <summary>Why the dependencies cannot be known statically, or <see langword="null"/> when they can.</summary>
    public string? Unresolvable { get; set; }
}
