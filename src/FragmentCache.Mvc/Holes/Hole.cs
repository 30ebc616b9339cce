namespace FragmentCache.Mvc.Holes;

/// <summary>What fills a hole: a view component (the tag helper) or a Razor component (<c>&lt;FragmentHole&gt;</c>).</summary>
internal enum HoleKind : byte
{
    /// <summary>A view component, by name.</summary>
    ViewComponent = 0,

    /// <summary>A Razor component, by assembly-qualified type name.</summary>
    RazorComponent = 1,
}

/// <summary>
/// One hole: the component that renders it for each request and the arguments it takes (simple values only, see
/// <see cref="HoleArguments"/>). Stored beside the markup, never in it.
/// </summary>
/// <param name="Kind">What kind of component fills the hole.</param>
/// <param name="Component">The view component's name, or the Razor component's assembly-qualified type name.</param>
/// <param name="Arguments">The arguments, in the order written.</param>
internal sealed record Hole(HoleKind Kind, string Component, HoleArgument[] Arguments)
{
    /// <summary>How messages name the hole: <c>&lt;fragment-hole component="UserMenu"&gt;</c>.</summary>
    public string Label => Kind == HoleKind.ViewComponent
        ? $"<fragment-hole component=\"{Component}\">"
        : $"<FragmentHole Component=\"{Component}\">";

    /// <summary>The arguments as a dictionary, the form view components and Razor components take them in.</summary>
    public Dictionary<string, object?> ArgumentDictionary()
    {
        var dictionary = new Dictionary<string, object?>(Arguments.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var argument in Arguments)
        {
            dictionary[argument.Name] = argument.Value;
        }

        return dictionary;
    }
}

/// <summary>One named argument of a hole.</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Value">The value: null or one of the types <see cref="HoleArguments"/> accepts.</param>
internal readonly record struct HoleArgument(string Name, object? Value);

/// <summary>A hole at a byte offset of the markup it sits in.</summary>
/// <param name="Offset">Bytes of markup before the hole.</param>
/// <param name="Hole">The hole.</param>
internal readonly record struct PlacedHole(int Offset, Hole Hole);
