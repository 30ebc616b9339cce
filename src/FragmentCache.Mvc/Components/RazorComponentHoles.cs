using System.Collections.Concurrent;
using FragmentCache.Mvc.Holes;
using Microsoft.AspNetCore.Components;

namespace FragmentCache.Mvc;

/// <summary>Finds the Razor component a stored hole names (by assembly-qualified name) in this build of the app.</summary>
internal static class RazorComponentHoles
{
    // Names come from the app's own components, so they are few; the cap only guards against a store full of others.
    private const int MaxRemembered = 1024;

    private static readonly ConcurrentDictionary<string, Type?> Known = new(StringComparer.Ordinal);

    /// <summary>The label messages name a hole by: <c>&lt;FragmentHole Component="typeof(UserMenu)"&gt;</c>.</summary>
    public static string Label(Type component) => $"<FragmentHole Component=\"typeof({component.Name})\">";

    /// <summary>Whether <paramref name="type"/> can fill a hole: a concrete Razor component.</summary>
    public static bool IsComponent(Type type) => typeof(IComponent).IsAssignableFrom(type) && !type.IsAbstract && !type.ContainsGenericParameters;

    /// <summary>The component <paramref name="hole"/> names, or <see langword="null"/> when this build has no such component.</summary>
    public static Type? Resolve(Hole hole)
    {
        if (hole.Kind != HoleKind.RazorComponent)
        {
            return null;
        }

        if (Known.TryGetValue(hole.Component, out var known))
        {
            return known;
        }

        var type = Load(hole.Component);
        if (Known.Count < MaxRemembered)
        {
            Known.TryAdd(hole.Component, type);
        }

        return type;
    }

    /// <summary>
    /// Remembers <paramref name="component"/> under its name when a <see cref="FragmentHole"/> records it: the component
    /// exists in this process, even where <see cref="Type.GetType(string)"/> cannot load it by name (a non-default load context).
    /// </summary>
    public static void Remember(Type component) => Known[component.AssemblyQualifiedName!] = component;

    /// <summary>Whether this build can fill <paramref name="hole"/>.</summary>
    public static bool Exists(Hole hole) => Resolve(hole) is not null;

    private static Type? Load(string name)
    {
        try
        {
            return Type.GetType(name, throwOnError: false) is { } type && IsComponent(type) ? type : null;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or BadImageFormatException or TypeLoadException)
        {
            return null;
        }
    }
}
